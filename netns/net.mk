# netns/: nftables through libnftables (Debian libnftables-dev, in mk/packages/net.list).
# netns/nat.c loads it with dlopen when a rule is needed, so it is not linked.
