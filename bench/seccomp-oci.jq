# Turn bench/seccomp-default.json (moby-style: rules gated by architecture and
# capability) into an OCI .linux.seccomp section, the way docker does at
# container creation. Arguments: --arg arch amd64 --argjson caps '["CAP_...",...]'
#   jq -f bench/seccomp-oci.jq --arg arch amd64 --argjson caps "$CAPS" bench/seccomp-default.json
def has_all($want; $have): ($want // []) | all(. as $w | $have | index($w) != null);
def has_any($want; $have): ($want // []) | any(. as $w | $have | index($w) != null);
def archs: {amd64: "SCMP_ARCH_X86_64", arm64: "SCMP_ARCH_AARCH64", s390x: "SCMP_ARCH_S390X", riscv64: "SCMP_ARCH_RISCV64"}[$arch];
. as $p
| {
    defaultAction: $p.defaultAction,
    defaultErrnoRet: $p.defaultErrnoRet,
    architectures: ($p.archMap[] | select(.architecture == archs) | [.architecture] + .subArchitectures),
    syscalls: [
      $p.syscalls[]
      | select(((.includes.arches // []) | length == 0) or has_any(.includes.arches; [$arch]))
      | select(has_all(.includes.caps; $caps))
      | select(has_any(.excludes.arches; [$arch]) | not)
      | select(has_any(.excludes.caps; $caps) | not)
      | {names, action} + (if .args then {args} else {} end) + (if .errnoRet then {errnoRet} else {} end)
    ]
  }
