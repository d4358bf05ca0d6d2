"""Four-letter words: compare the *shape* of each answer (line keys, not values)."""
import re

import pytest

from compat_util import four_letter


def shape(word, text):
    """Reduce an answer to its keys: values and numbers are dropped."""
    if word in ("ruok", "isro"):
        return text
    lines = text.split("\n")
    out = []
    for l in lines:
        if word == "mntr":
            out.append(l.split("\t")[0])
        elif word in ("conf", "envi"):
            out.append(l.split("=")[0])
        elif word in ("srvr", "stat", "dirs"):
            if l.startswith(" /"):
                out.append(re.sub(r"\d+", "N", re.sub(r"=[^,)]*", "=", l)))
            else:
                out.append(l.split(":")[0])
        elif word == "cons":
            out.append(re.sub(r"\d+", "N", re.sub(r"=[^,)]*", "=", l)))
        else:
            out.append(re.sub(r"0x[0-9a-f]+", "0xH", re.sub(r"\d+", "N", l)))
    if word == "mntr":
        return sorted(out)   # Apache prints metrics in hash order
    return out


WORDS = ["ruok", "srvr", "stat", "conf", "cons", "mntr", "envi", "wchs", "isro", "dirs", "crst", "srst"]


@pytest.mark.parametrize("word", WORDS)
def test_four_letter_shape(servers, word):
    a = shape(word, four_letter(servers.apache, word))
    assert a, "Apache gave an empty answer to %s" % word
    if servers.zkserver is None:
        pytest.skip("zkserver not available")
    z = shape(word, four_letter(servers.zkserver, word))
    if word == "mntr":
        # Apache adds ~400 metrics-provider keys (some named after the paths a test touched); tools
        # read the documented ones, which zkserver must all have; it must invent none.
        missing = sorted(MNTR_CORE_KEYS - set(z))
        extra = sorted(set(z) - set(a))
        assert not missing and not extra, "mntr keys missing=%s extra=%s" % (missing, extra)
        assert MNTR_CORE_KEYS <= set(a)
        return
    assert z == a


MNTR_CORE_KEYS = {"zk_" + k for k in (
    "version server_state avg_latency max_latency min_latency packets_received packets_sent "
    "num_alive_connections outstanding_requests znode_count watch_count ephemerals_count "
    "approximate_data_size open_file_descriptor_count max_file_descriptor_count global_sessions "
    "local_sessions uptime connection_drop_probability").split()}


def test_four_letter_exact_texts(servers):
    """Answers whose full text is fixed."""
    a = {w: four_letter(servers.apache, w) for w in ("ruok", "isro", "crst", "srst")}
    assert a == {"ruok": "imok", "isro": "rw", "crst": "Connection stats reset.\n",
                 "srst": "Server stats reset.\n"}
    if servers.zkserver is None:
        pytest.skip("zkserver not available")
    assert {w: four_letter(servers.zkserver, w) for w in a} == a


def test_unknown_word_closes(servers):
    """An unknown 4-byte word is taken as a length prefix: no answer, connection closed."""
    a = four_letter(servers.apache, "abcd")
    if servers.zkserver is None:
        pytest.skip("zkserver not available")
    assert four_letter(servers.zkserver, "abcd") == a


@pytest.fixture(scope="module")
def default_whitelist(servers):
    """A second server of each kind without 4lw.commands.whitelist (Apache default: srvr only)."""
    a = servers.start_apache("apache-defaultwl", whitelist="")
    z = servers.start_zkserver("zkserver-defaultwl", whitelist="") if servers.zkserver else None
    return a, z


@pytest.mark.parametrize("word", ["ruok", "stat", "mntr", "srvr"])
def test_not_whitelisted(default_whitelist, word):
    a_host, z_host = default_whitelist
    a = four_letter(a_host, word)
    if word != "srvr":
        assert a == "%s is not executed because it is not in the whitelist.\n" % word
    if z_host is None:
        pytest.skip("zkserver not available")
    z = four_letter(z_host, word)
    assert shape(word, z) == shape(word, a)
