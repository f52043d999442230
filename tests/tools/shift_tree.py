#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""shift_tree.py SRC DST BASE: copy the tree SRC to DST (which must not exist)
with every owner shifted by BASE (uid u -> BASE+u, gid g -> BASE+g), as a
rootfs for a VPS whose user namespace maps 0 -> BASE. For tests only (the VPS
face presents a template through an idmapped mount instead). Keeps modes
(setuid bits too: chown clears them, so they are set again), symlinks,
hard links within the tree, device nodes and FIFOs; never follows a symlink."""
import os
import shutil
import stat
import sys


def shift(path, st, base):
    os.chown(path, base + st.st_uid, base + st.st_gid, follow_symlinks=False)
    if not stat.S_ISLNK(st.st_mode):
        os.chmod(path, stat.S_IMODE(st.st_mode))


def main():
    src, dst, base = sys.argv[1], sys.argv[2], int(sys.argv[3])
    os.mkdir(dst)
    links = {}
    for dirpath, dirnames, filenames in os.walk(src, followlinks=False):
        rel = os.path.relpath(dirpath, src)
        out = os.path.normpath(os.path.join(dst, rel))
        if rel != ".":
            os.mkdir(out)
        for name in dirnames[:]:
            s = os.path.join(dirpath, name)
            if os.path.islink(s):  # os.walk lists links to dirs as dirs
                dirnames.remove(name)
                filenames.append(name)
        for name in filenames:
            s, d = os.path.join(dirpath, name), os.path.join(out, name)
            st = os.lstat(s)
            key = (st.st_dev, st.st_ino)
            if st.st_nlink > 1 and key in links:
                os.link(links[key], d)
                continue
            if stat.S_ISLNK(st.st_mode):
                os.symlink(os.readlink(s), d)
            elif stat.S_ISREG(st.st_mode):
                shutil.copyfile(s, d, follow_symlinks=False)
            elif stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) or stat.S_ISFIFO(st.st_mode):
                os.mknod(d, st.st_mode, st.st_rdev)
            else:
                continue  # sockets: nothing to copy
            shift(d, st, base)
            os.utime(d, ns=(st.st_atime_ns, st.st_mtime_ns), follow_symlinks=False)
            if st.st_nlink > 1:
                links[key] = d
    # directories last, deepest first, so their times survive the copies into them
    for dirpath, _, _ in os.walk(src, topdown=False, followlinks=False):
        rel = os.path.relpath(dirpath, src)
        d = os.path.normpath(os.path.join(dst, rel))
        st = os.lstat(dirpath)
        shift(d, st, base)
        os.utime(d, ns=(st.st_atime_ns, st.st_mtime_ns))


if __name__ == "__main__":
    main()
