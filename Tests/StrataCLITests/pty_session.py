"""Drives a program in a pseudo-terminal for the shell's tests.

Reads a JSON object on standard input: "argv" (the command), "env" (variables to add),
"steps" (each {"send": text} — typed once the terminal is in raw mode, unless "raw" is
false — followed by waiting until the output written since ends with "expect", or for
"quiet" seconds of silence), and "timeout" (seconds for each wait). Prints one JSON
object: "transcript" (everything the program wrote, \r\n as \n) and "status" (its exit
status, or null when it had to be killed).
"""
import json, os, pty, select, signal, sys, termios, time

def main():
    spec = json.load(sys.stdin)
    timeout = spec.get("timeout", 20)
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update(spec.get("env", {}))
        os.environ["TERM"] = "xterm"
        os.execvp(spec["argv"][0], spec["argv"])
    out = bytearray()

    def read_until(expect=None, quiet=0.3, start=0, seen=None):
        deadline = time.time() + timeout
        last = time.time()
        while time.time() < deadline:
            since = out[start:].decode(errors="replace").replace("\r\n", "\n")
            if expect is not None and len(out) > start and since.endswith(expect):
                return True
            if seen is not None and seen in since:
                return True
            r, _, _ = select.select([fd], [], [], 0.05)
            if r:
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    return False
                if not data:
                    return False
                out.extend(data)
                last = time.time()
            elif expect is None and seen is None and time.time() - last >= quiet:
                return True
        return False

    def wait_for_raw_mode():
        # Keys typed before the line editor has put the terminal in raw mode would be
        # echoed and buffered by the terminal itself; type only once it reads key by key.
        deadline = time.time() + timeout
        while time.time() < deadline:
            if not termios.tcgetattr(fd)[3] & termios.ICANON:
                return
            r, _, _ = select.select([fd], [], [], 0.02)
            if r:
                try:
                    out.extend(os.read(fd, 65536))
                except OSError:
                    return

    for step in spec.get("steps", []):
        start = len(out)
        if "send" in step:
            if step.get("raw", True):
                wait_for_raw_mode()
            os.write(fd, step["send"].encode())
        # What is expected must come after the keys were sent (the prompt before does not count).
        read_until(step.get("expect"), step.get("quiet", 0.3), start, step.get("seen"))
    status = None
    deadline = time.time() + timeout
    while time.time() < deadline:
        done, code = os.waitpid(pid, os.WNOHANG)
        if done:
            status = os.waitstatus_to_exitcode(code)
            break
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                data = os.read(fd, 65536)
                out.extend(data)
            except OSError:
                pass
    if status is None:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    print(json.dumps({"transcript": out.decode(errors="replace").replace("\r\n", "\n"), "status": status}))

main()
