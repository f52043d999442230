# make test-engines: the podman, containerd and docker acceptance harnesses against ./vps
.PHONY: test-engines
test-engines: all test-tools
	@TESTS='^engines-' bash tests/run.sh
