/* A user namespace with given uid/gid maps, for idmapped bind mounts
 * (mount_setattr MOUNT_ATTR_IDMAP). */
#include <errno.h>

#include "rootfs/internal.h"

int vps_idmap_userns(const struct oci_idmap *uid, size_t n_uid, const struct oci_idmap *gid,
		     size_t n_gid, vps_err *err)
{
	(void)uid;
	(void)gid;
	(void)n_uid;
	(void)n_gid;
	return vps_errorx(err, ENOTSUP, "idmapped mounts are not supported yet");
}
