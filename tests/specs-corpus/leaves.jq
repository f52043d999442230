# Leaf paths of a config as error paths print them: .a.b[N] with map keys
# (annotations, sysctl, unified, rdma devices) as ["key"] and indices as [N].
def maps: ["annotations", "sysctl", "unified", "rdma"];
paths(type != "object" and type != "array") as $p
| [range(0; $p | length) as $i
   | $p[$i] as $k
   | if ($k | type) == "number" then "[N]"
     elif $i > 0 and (maps | index([$p[$i - 1]])) != null then "[\"" + $k + "\"]"
     else "." + $k end]
| join("")
