"""Apache's own clients, run as processes against any connect string: the Java client driving
java/CompatScenarios.java, zkCli.sh and the C client's cli_mt. Used by the compatibility suite
(one standalone server each) and by Tests/ensemble (a connect string naming every member).
Every runner returns output already normalised, so Apache's and zkserver's can be compared."""
import json
import os
import re
import shutil
import subprocess
import tempfile
import time

CLI_MT = "/usr/lib/zookeeper/bin/cli_mt"
ZKCLI = "/usr/share/zookeeper/bin/zkCli.sh"

JAVA_SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "java", "CompatScenarios.java")
# zookeeper.jar's manifest Class-Path brings zookeeper-jute, netty, slf4j-api...; slf4j-nop
# silences the client's logging.
JAVA_CP = ["/usr/share/java/zookeeper.jar", "/usr/share/java/slf4j-nop.jar"]

JAVA_SCENARIOS = ["container", "ttl", "persistent_watch", "persistent_recursive_watch",
                  "persistent_mixed_modes",
                  "remove_watches", "ephemerals", "all_children_number", "whoami", "multi",
                  "create2", "exists_watch", "sync", "chroot"]
JAVA_TIMEOUT = 90  # per java process; the program itself gives up after 60 s (exit 3)


class ClientFailure(Exception):
    """A client process timed out, failed or printed something unreadable."""


def java_available():
    return bool(shutil.which("javac") and shutil.which("java") and os.path.isfile(JAVA_CP[0]))


def compile_java_scenarios(out_dir):
    """Compiles CompatScenarios.java into out_dir; returns the java command prefix
    (append HOST:PORT[,...] SCENARIO [BASE])."""
    # -proc:none -implicit:none: do not compile sources found on the jars' Class-Path
    p = subprocess.run([shutil.which("javac"), "-proc:none", "-implicit:none", "-nowarn", "-d", out_dir,
                        "-cp", JAVA_CP[0], JAVA_SRC],
                       capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        raise ClientFailure("javac failed:\n" + p.stdout + p.stderr)
    cp = ":".join([out_dir] + [j for j in JAVA_CP if os.path.isfile(j)])
    return [shutil.which("java"), "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Dzookeeper.sasl.client=false", "-Dcompat.timeoutMs=60000",
            "-cp", cp, "CompatScenarios"]


def start_java_scenario(cmd, hosts, name):
    return subprocess.Popen(cmd + [hosts, name, "/java-" + name], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)


def finish_java_scenario(p, who):
    """Waits for a started scenario; returns its normalised JSON value."""
    try:
        out, err = p.communicate(timeout=JAVA_TIMEOUT)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        raise ClientFailure("%s: java scenario timed out after %d s\n%s" % (who, JAVA_TIMEOUT, err[-3000:]))
    if p.returncode != 0:
        raise ClientFailure("%s: java scenario exited %d\n%s" % (who, p.returncode, err[-3000:]))
    try:
        return json.loads(out)
    except ValueError:
        raise ClientFailure("%s: output is not JSON:\n%s\n%s" % (who, out[-2000:], err[-2000:]))


def stop_process(p):
    if p is not None and p.poll() is None:
        p.kill()
        p.wait()


def normalise(text):
    text = re.sub(r"0x[0-9a-f]+", "0xN", text)
    text = re.sub(r"\b(ctime|mtime)\s*=.*", r"\1 = T", text)
    text = re.sub(r"\b([cmp]zxid|[cmp]Zxid)\s*=\s*\w+", r"\1 = Z", text)
    text = re.sub(r"[0-9a-f]{8,}", "ID", text)
    keep = []
    for line in text.splitlines():
        line = line.rstrip()
        # Connection chatter, timestamps and logging differ between runs, not between servers.
        if not line or "SLF4J" in line or "log4j" in line or line.startswith(("Connecting to", "Watcher SESSION_EVENT", "time =")):
            continue
        if re.match(r"^\d{4}-\d\d-\d\d", line) or "Welcome" in line or "JLine" in line:
            continue
        keep.append(line)
    return keep


CLI_MT_SCRIPT = ["create BASE", "create BASE/child", "get BASE", "ls BASE",
                 "exists BASE/child", "exists BASE/missing", "set BASE newdata", "get BASE",
                 "delete BASE/child", "delete BASE", "ls BASE"]


def run_cli_mt(hosts, base):
    script = "\n".join(line.replace("BASE", base) for line in CLI_MT_SCRIPT) + "\n"
    # cli_mt answers asynchronously: give it its script, then time to answer before stdin closes.
    p = subprocess.Popen([CLI_MT, hosts], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    try:
        p.stdin.write(script)
        p.stdin.flush()
        time.sleep(2)
        out, _ = p.communicate(timeout=20)
    finally:
        stop_process(p)
    return main_thread_lines_last(normalise(out.replace(base, "BASE")))


def main_thread_lines_last(lines):
    """cli_mt's exists is synchronous (zoo_exists in the threaded build): its "Error -101 for ..." line comes
    from the main thread, racing the completion thread's lines of the asynchronous commands before it.
    Those lines go last, in order, so that the comparison does not depend on which thread printed first."""
    return [l for l in lines if not l.startswith("Error ")] + [l for l in lines if l.startswith("Error ")]


ZKCLI_STEPS = [("create", "BASE", "hello"), ("create", "-s", "BASE/s-", "x"), ("get", "-s", "BASE"),
               ("ls", "-s", "BASE"), ("set", "-v", "7", "BASE", "x"), ("stat", "BASE/missing"),
               ("deleteall", "BASE"), ("ls", "BASE")]


def run_zkcli(hosts, base, *command):
    r = subprocess.run([ZKCLI, "-server", hosts] + [c.replace("BASE", base) for c in command],
                       capture_output=True, text=True, timeout=60, env=dict(os.environ, CLIENT_JVMFLAGS="-Xmx64m"))
    return [r.returncode] + normalise((r.stdout + r.stderr).replace(base, "BASE"))


def run_zkcli_steps(hosts, base):
    return [run_zkcli(hosts, base, *s) for s in ZKCLI_STEPS]


def describe_zkcli_difference(a, z):
    return "\n".join("%s\n  apache:   %s\n  zkserver: %s" % (" ".join(s), x, y)
                     for s, x, y in zip(ZKCLI_STEPS, a, z) if x != y)


class JavaScenarios:
    """The compiled scenario program, in a temporary directory removed by close()."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="zk-java-scenarios-")
        try:
            self.cmd = compile_java_scenarios(self.dir)
        except Exception:
            self.close()
            raise

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)
