# make test-engines: the podman and containerd acceptance harnesses against ./vps
.PHONY: test-engines
test-engines: all test-tools
	@TESTS='^engines-' bash tests/run.sh
