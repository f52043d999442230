# make oci-validate: the OCI runtime-tools validation suite against ./vps
# (bench/oci-validate.sh; needs Go and the suite's source: OCI_RUNTIME_TOOLS=DIR
# in a GOPATH; skips with the reason without them). Not part of make check.
.PHONY: oci-validate
oci-validate: all
	@bash bench/oci-validate.sh
