# netns/: nftables through libnftables (Debian libnftables-dev, in mk/packages/net.list).
PKG_LIBS += $(shell pkg-config --libs libnftables 2>/dev/null || echo -lnftables)
