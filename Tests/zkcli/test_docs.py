"""The man pages and shell completions agree with zkcli: every command `zkcli help` lists is documented
in man/zkcli.1 and completed by the bash, zsh and fish scripts; the pages render without warnings; the
scripts complete options and command names, and hand the rest to `zkcli --complete` with the server
options of the command line."""
import json
import os
import re
import shutil
import socket
import stat
import subprocess
import textwrap
import time

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ZKCLI = os.path.join(ROOT, os.environ.get("ZKCLI", ".build/debug/zkcli"))
ZKSERVER = os.path.join(ROOT, os.environ.get("ZKSERVER_BIN", ".build/debug/zkserver"))
MAN_PAGES = [os.path.join(ROOT, "man", "zkcli.1"), os.path.join(ROOT, "man", "zkserver.1")]
BASH_SCRIPT = os.path.join(ROOT, "completions", "zkcli.bash")
ZSH_SCRIPT = os.path.join(ROOT, "completions", "_zkcli")
FISH_SCRIPT = os.path.join(ROOT, "completions", "zkcli.fish")


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def quiet_env(tmp_path, **extra):
    """An environment in which zkcli reads no user configuration."""
    env = dict(os.environ)
    for name in ("ZKCLI_CONFIG", "ZOOKEEPER_HOSTS"):
        env.pop(name, None)
    env["HOME"] = str(tmp_path)
    env.update(extra)
    return env


def help_commands(tmp_path):
    """The command names `zkcli help` prints: from --json when it parses, else from the text listing."""
    if not os.path.exists(ZKCLI):
        pytest.skip("zkcli not built (%s)" % ZKCLI)
    env = quiet_env(tmp_path)
    result = subprocess.run([ZKCLI, "--json", "help"], capture_output=True, text=True, timeout=30, env=env)
    if result.returncode == 0:
        try:
            names = [command["name"] for command in json.loads(result.stdout)["commands"]]
            if names:
                return names
        except (ValueError, KeyError, TypeError):
            pass
    result = subprocess.run([ZKCLI, "help"], capture_output=True, text=True, timeout=30, env=env)
    assert result.returncode == 0, result.stderr
    names = [m.group(1) for m in re.finditer(r"^[ \t]+([A-Za-z0-9][\w-]*)", result.stdout, re.M)]
    assert names, "no commands in:\n" + result.stdout
    return names


def man_entries(text):
    """Names given as the tag of a .TP entry: \\fBname\\fP words, or the first word of a .B/.BR tag line."""
    lines = text.splitlines()
    names = set()
    for i, line in enumerate(lines[:-1]):
        if not line.startswith(".TP"):
            continue
        tag = lines[i + 1]
        names.update(re.findall(r"\\fB([^\\\s]+)\\f[PR]", tag))
        m = re.match(r"\.B[RI]?\s+\"?([^\s\"]+)", tag)
        if m:
            names.add(m.group(1).replace("\\-", "-"))
    return names


def bash_static_commands():
    out = subprocess.run(["bash", "-c", 'source "$1"; printf "%s\\n" $_zkcli_commands', "_", BASH_SCRIPT],
                         capture_output=True, text=True, timeout=30, check=True).stdout
    return set(out.split())


def zsh_static_commands():
    block = re.search(r"zkcli_commands=\((.*?)\n\s*\)", read(ZSH_SCRIPT), re.S).group(1)
    return set(re.findall(r"^\s*'([^':]+):", block, re.M))


def fish_static_commands():
    return set(re.findall(r"^complete -c zkcli -n __zkcli_needs_command -a (\S+)", read(FISH_SCRIPT), re.M))


STATIC_LISTS = {"bash": bash_static_commands, "zsh": zsh_static_commands, "fish": fish_static_commands}


def test_every_help_command_is_documented_and_completed(tmp_path):
    names = help_commands(tmp_path)
    documented = man_entries(read(MAN_PAGES[0]))
    missing = [name for name in names if name not in documented]
    assert not missing, "not in man/zkcli.1 as a .TP entry: %s" % missing
    for shell, static in STATIC_LISTS.items():
        missing = [name for name in names if name not in static()]
        assert not missing, "not in the %s completion's command list: %s" % (shell, missing)


def test_static_lists_agree_with_the_man_page():
    bash = bash_static_commands()
    assert "get" in bash and "ensemble" in bash and "4lw" in bash
    assert zsh_static_commands() == bash
    assert fish_static_commands() == bash
    documented = man_entries(read(MAN_PAGES[0]))
    assert not bash - documented, "completed but not documented: %s" % sorted(bash - documented)


@pytest.mark.parametrize("page", MAN_PAGES, ids=os.path.basename)
def test_man_page_renders_without_warnings(page):
    if not shutil.which("man"):
        pytest.skip("man not installed")
    env = dict(os.environ, MANWIDTH="80")
    result = subprocess.run(["man", "--warnings", "-l", page], capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", result.stderr
    assert "NAME" in result.stdout and "SYNOPSIS" in result.stdout


def test_man_page_sections():
    for page in MAN_PAGES:
        text = read(page)
        assert text.startswith(".\\\"") or text.startswith(".TH")
        for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS", "ENVIRONMENT", "FILES",
                        "EXAMPLES", "SEE ALSO"):
            assert re.search(r"^\.SH \"?%s\"?$" % section, text, re.M), "%s: no %s section" % (page, section)
    assert re.search(r"^\.SH COMMANDS$", read(MAN_PAGES[0]), re.M)
    server = read(MAN_PAGES[1])
    for tool in ("log\\-dump", "snapshot\\-dump", "verify", "purge"):
        assert "\\fB%s\\fP" % tool in server, tool


# --- bash ---------------------------------------------------------------------------------------------

def bash_complete(words, cword=None, line=None, env=None):
    """COMPREPLY, one item a line, for COMP_WORDS=words (the last being the word under the cursor)."""
    cword = len(words) - 1 if cword is None else cword
    script = 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=%d; ' % cword
    if line is not None:
        script += "COMP_LINE=%s; COMP_POINT=${#COMP_LINE}; " % shell_quote(line)
    script += '_zkcli; printf "%s\\n" "${COMPREPLY[@]}"'
    result = subprocess.run(["bash", "-c", script, "_", BASH_SCRIPT] + list(words), capture_output=True,
                            text=True, timeout=60, env=env)
    assert result.returncode == 0, result.stderr
    return [item for item in result.stdout.split("\n") if item]


def shell_quote(s):
    return "'" + s.replace("'", "'\\''") + "'"


def test_bash_completes_command_names():
    reply = bash_complete(["zkcli", "ge"])
    for name in ("get", "getAcl", "getAllChildrenNumber", "getEphemerals"):
        assert name in reply
    assert all(item.startswith("ge") for item in reply)


def test_bash_completes_options():
    assert bash_complete(["zkcli", "-ser"]) == ["-server"]
    assert "--read-only" in bash_complete(["zkcli", "--"])
    # after an option's value, the command name again
    assert "getAcl" in bash_complete(["zkcli", "-server", "h:2181", "-timeout", "500", "getA"])


@pytest.fixture
def fake_zkcli(tmp_path):
    """A zkcli on PATH that records its arguments and answers --complete like the real one would."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "args"
    fake = bin_dir / "zkcli"
    fake.write_text(textwrap.dedent("""\
        #!/bin/sh
        printf '%%s\\n' "$@" > %s
        for a in "$@"; do last=$a; done
        case "$last" in
          "get /a/b") printf '/a/bc\\n/a/bd\\n' ;;
          "get -") printf -- '-s\\n-w\\n-x\\n' ;;
          "help g") printf 'get\\ngetAcl\\n' ;;
          *) exit 2 ;;
        esac
        """ % shell_quote(str(log))))
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    env = dict(os.environ, PATH=str(bin_dir) + os.pathsep + os.environ.get("PATH", ""))
    return env, log


def test_bash_delegates_after_the_command_with_the_server_options(fake_zkcli):
    env, log = fake_zkcli
    reply = bash_complete(["zkcli", "-server", "h:2181", "-timeout", "500", "get", "/a/b"], env=env)
    assert reply == ["/a/bc", "/a/bd"]
    assert log.read_text().splitlines() == ["-server", "h:2181", "-timeout", "500", "--complete", "get /a/b"]
    assert bash_complete(["zkcli", "--server", "h:1", "get", "-"], env=env) == ["-s", "-w", "-x"]
    assert log.read_text().splitlines() == ["--server", "h:1", "--complete", "get -"]
    assert bash_complete(["zkcli", "help", "g"], env=env) == ["get", "getAcl"]


def test_bash_rejoins_words_split_at_colons(fake_zkcli):
    # what bash really passes for `zkcli -server h:2181 get /a/b`: COMP_WORDBREAKS splits at ':'
    env, log = fake_zkcli
    line = "zkcli -server h:2181 get /a/b"
    reply = bash_complete(["zkcli", "-server", "h", ":", "2181", "get", "/a/b"], line=line, env=env)
    assert reply == ["/a/bc", "/a/bd"]
    assert log.read_text().splitlines()[:2] == ["-server", "h:2181"]


def test_bash_gives_nothing_when_zkcli_fails(fake_zkcli):
    env, _ = fake_zkcli
    assert bash_complete(["zkcli", "get", "/nothing/here"], env=env) == []


def test_bash_against_the_built_zkcli_without_a_server(tmp_path):
    """No server listening: completion of a path ends quickly with no candidates and no noise."""
    if not os.path.exists(ZKCLI):
        pytest.skip("zkcli not built (%s)" % ZKCLI)
    env = quiet_env(tmp_path)
    words = [ZKCLI, "-server", "127.0.0.1:1", "-timeout", "1000", "get", "/"]
    assert bash_complete(words, env=env) == []


@pytest.fixture
def live_server(tmp_path):
    """A zkserver on a free port with /app/alpha, /app/beta, /app/b2 and /app/sp ace."""
    if not (os.path.exists(ZKSERVER) and os.path.exists(ZKCLI)):
        pytest.skip("binaries not built")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = tmp_path / "zoo.cfg"
    config.write_text("tickTime=2000\ndataDir=%s\nclientPort=%d\nclientPortAddress=127.0.0.1\nadmin.enableServer=false\n"
                      % (tmp_path / "data", port))
    server = subprocess.Popen([ZKSERVER, str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              stdin=subprocess.DEVNULL)
    try:
        deadline = time.time() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 0.5).close()
                break
            except OSError:
                assert time.time() < deadline, "zkserver did not start"
                time.sleep(0.05)
        server_list = "127.0.0.1:%d" % port
        env = quiet_env(tmp_path)
        for path in ("/app", "/app/alpha", "/app/beta", "/app/b2", "/app/sp ace"):
            subprocess.run([ZKCLI, "-server", server_list, "create", path, "x"], check=True, capture_output=True,
                           timeout=30, env=env)
        yield server_list, env
    finally:
        server.kill()
        server.wait(10)


def test_bash_completes_live_znode_paths(live_server):
    server_list, env = live_server
    assert bash_complete([ZKCLI, "-server", server_list, "get", "/app/b"], env=env) == ["/app/b2", "/app/beta"]
    assert bash_complete([ZKCLI, "-server", server_list, "ls", "/app/sp"], env=env) == ["/app/sp\\ ace"]
    assert "-s" in bash_complete([ZKCLI, "-server", server_list, "get", "-"], env=env)
    assert bash_complete([ZKCLI, "-server", server_list, "get", "ap"], env=env) == ["app"]  # relative to /


# --- zsh and fish -------------------------------------------------------------------------------------

def test_zsh_script_syntax():
    if not shutil.which("zsh"):
        pytest.skip("zsh not installed")
    result = subprocess.run(["zsh", "-n", ZSH_SCRIPT], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert read(ZSH_SCRIPT).startswith("#compdef zkcli")


def test_zsh_completes_and_delegates(fake_zkcli):
    """_zkcli with zsh's completion builtins replaced by functions that print what they were given."""
    if not shutil.which("zsh"):
        pytest.skip("zsh not installed")
    env, log = fake_zkcli
    script = textwrap.dedent("""\
        compdef() { : }
        source "$1"
        _describe() { print -r -- "${(@)${(P)@[-1]}%%:*}" }
        _files() { print FILES }
        _message() { print MESSAGE }
        compadd() { print -r -- "compadd $1 ${(P)@[-1]}" }
        run() { words=("$@"); CURRENT=$#words; PREFIX=$words[-1]; _zkcli }
        run zkcli ge
        run zkcli -ser
        run zkcli -server h:2181 get /a/b
        """)
    result = subprocess.run(["zsh", "-f", "-c", script, "_", ZSH_SCRIPT], capture_output=True, text=True,
                            timeout=30, env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "get" in lines[0].split() and "getAcl" in lines[0].split()
    assert "-server" in lines[1].split()
    assert lines[2] == "compadd -S /a/bc /a/bd"  # no space after a path
    assert log.read_text().splitlines() == ["-server", "h:2181", "--complete", "get /a/b"]


def test_fish_script_syntax():
    if not shutil.which("fish"):
        pytest.skip("fish not installed")
    result = subprocess.run(["fish", "-n", FISH_SCRIPT], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


def test_fish_completes_and_delegates(fake_zkcli, tmp_path):
    if not shutil.which("fish"):
        pytest.skip("fish not installed")
    env, log = fake_zkcli
    env = dict(env, HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_DATA_HOME=str(tmp_path / "data"))

    def complete(line):
        script = 'source %s; complete -C%s' % (shell_quote(FISH_SCRIPT), shell_quote(line))
        result = subprocess.run(["fish", "--no-config", "-c", script], capture_output=True, text=True,
                                timeout=30, env=env)
        assert result.returncode == 0, result.stderr
        return [item.split("\t")[0] for item in result.stdout.splitlines()]

    reply = complete("zkcli ge")
    for name in ("get", "getAcl", "getAllChildrenNumber", "getEphemerals"):
        assert name in reply
    assert complete("zkcli -ser") == ["-server"]
    assert complete("zkcli -server h:2181 get /a/b") == ["/a/bc", "/a/bd"]
    assert log.read_text().splitlines() == ["-server", "h:2181", "--complete", "get /a/b"]
