#!/usr/bin/env python3
"""Tiny expect: run a command on a new pty and answer its prompts.

usage: vf_pty.py [-t SECONDS] CMD... -- EXPECT SEND [EXPECT SEND ...]
Each EXPECT is a substring awaited in the output (since the previous match);
then SEND plus a newline is typed. After the last pair the output is read
until the command exits. Everything the command printed is echoed to stdout.
A SEND of @KILL kills the command instead (exit status 0 then).
Exit status: the command's, or 124 when an EXPECT was not seen in time.
"""
import os, pty, select, signal, sys, time

def main():
    args = sys.argv[1:]
    timeout = 20.0
    if args[:1] == ["-t"]:
        timeout = float(args[1]); args = args[2:]
    sep = args.index("--")
    cmd, pairs = args[:sep], args[sep + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    buf = b""
    out = sys.stdout.buffer
    def read_some(deadline):
        nonlocal buf
        r, _, _ = select.select([fd], [], [], max(0.0, deadline - time.time()))
        if not r:
            return False
        try:
            data = os.read(fd, 4096)
        except OSError:
            data = b""
        if not data:
            raise EOFError
        out.write(data); out.flush()
        buf += data
        return True
    try:
        for i in range(0, len(pairs), 2):
            want, send = pairs[i].encode(), pairs[i + 1].encode()
            deadline = time.time() + timeout
            while want not in buf:
                if time.time() > deadline:
                    out.write(b"\n[vf_pty: timed out waiting for %r]\n" % want)
                    os.kill(pid, signal.SIGKILL); os.waitpid(pid, 0)
                    return 124
                read_some(deadline)
            buf = buf[buf.index(want) + len(want):]
            if send == b"@KILL":
                os.kill(pid, signal.SIGKILL); os.waitpid(pid, 0)
                return 0
            time.sleep(0.05)
            os.write(fd, send + b"\n")
        deadline = time.time() + timeout
        while time.time() < deadline:
            read_some(deadline)
        out.write(b"\n[vf_pty: command still running, killed]\n")
        os.kill(pid, signal.SIGKILL)
    except EOFError:
        pass
    _, st = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(st) if os.WIFEXITED(st) else 128 + os.WTERMSIG(st)

sys.exit(main())
