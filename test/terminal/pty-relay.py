"""Runs a command on a real pseudo-terminal and relays it: our stdin is typed into the terminal,
the terminal's output comes out on our stdout, and we exit with the command's exit code.

usage: python3 pty-relay.py COLUMNS ROWS -- command [args...]

The window size is set in the child before exec, as `stty cols/rows` would, so the command reads
it from its first ioctl. Bytes written to our stdin (e.g. b"\\x03") reach the command through the
terminal's line discipline exactly as keystrokes do: with ISIG on, Ctrl-C becomes SIGINT for the
foreground process group; in raw mode it arrives as a byte.
"""
import errno, fcntl, os, pty, select, struct, sys, termios

cols, rows = int(sys.argv[1]), int(sys.argv[2])
cmd = sys.argv[sys.argv.index('--') + 1:]

pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))
    os.execvp(cmd[0], cmd)

inputs = [0, fd]
while True:
    readable, _, _ = select.select(inputs, [], [])
    if 0 in readable:
        data = os.read(0, 4096)
        if data:
            os.write(fd, data)
        else:
            inputs.remove(0)
    if fd in readable:
        try:
            data = os.read(fd, 65536)
        except OSError as e:  # EIO: the command exited and the terminal closed
            if e.errno != errno.EIO:
                raise
            data = b''
        if not data:
            break
        os.write(1, data)

_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status) if not os.WIFSIGNALED(status) else 128 + os.WTERMSIG(status))
