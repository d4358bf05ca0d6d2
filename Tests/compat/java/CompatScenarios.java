// Compatibility scenarios driven by Apache's own Java client (org.apache.zookeeper.ZooKeeper),
// for the APIs kazoo lacks. Used by Tests/compat/test_java_client.py, which runs each scenario
// against Apache ZooKeeper 3.8.0 and against zkserver and compares the printed JSON.
//
//   java -cp DIR:/usr/share/java/zookeeper.jar:... CompatScenarios HOST:PORT SCENARIO [BASE]
//
// Prints one normalized JSON value on stdout: zxids -> ranks "z0", "z1"... within the scenario,
// ctime/mtime -> "T" (0 stays 0), ephemeralOwner of our own sessions -> "sessionN", errors ->
// ["err", KeeperException.Code name], client-side exceptions -> ["client-exc", class name],
// watch events -> [watcher tag, EventType, KeeperState, path]. Children lists are sorted
// (Apache answers in HashSet order, which is no contract). Exit status 2 on an unexpected
// failure, 3 when the whole run exceeds its time limit (-Dcompat.timeoutMs, default 60000).
import java.nio.charset.StandardCharsets;
import java.util.*;
import java.util.concurrent.*;

import org.apache.zookeeper.*;
import org.apache.zookeeper.data.*;

public class CompatScenarios {
    static final List<ACL> OPEN = ZooDefs.Ids.OPEN_ACL_UNSAFE;

    /** A zxid placeholder, replaced by its rank when the result is printed. */
    static final class Z {
        final long v;
        Z(long v) { this.v = v; }
    }

    interface Call { Object run() throws Exception; }

    final String hosts;
    final String base;
    final List<ZooKeeper> clients = new ArrayList<>();
    final List<Object> events = Collections.synchronizedList(new ArrayList<>());

    CompatScenarios(String hosts, String base) {
        this.hosts = hosts;
        this.base = base;
    }

    // ---- clients ---------------------------------------------------------------------------

    ZooKeeper connect(String connectString) throws Exception {
        CountDownLatch up = new CountDownLatch(1);
        int idx = clients.size();
        ZooKeeper zk = new ZooKeeper(connectString, 10000, ev -> {
            if (ev.getType() == Watcher.Event.EventType.None) {
                if (ev.getState() == Watcher.Event.KeeperState.SyncConnected) up.countDown();
                if (ev.getState() == Watcher.Event.KeeperState.AuthFailed)
                    events.add(Arrays.asList("default" + idx, "None", "AuthFailed", ev.getPath()));
            } else {
                events.add(ev(ev, "default" + idx));
            }
        });
        clients.add(zk);
        if (!up.await(15, TimeUnit.SECONDS)) throw new IllegalStateException("no connection to " + connectString);
        return zk;
    }

    void closeAll() {
        for (ZooKeeper zk : clients) {
            try { zk.close(3000); } catch (Exception e) { /* best effort */ }
        }
    }

    static List<Object> ev(WatchedEvent e, String tag) {
        return Arrays.asList(tag, e.getType().name(), e.getState().name(), e.getPath());
    }

    Watcher rec(String tag) {
        return e -> events.add(ev(e, tag));
    }

    /** A round trip whose callback runs on the event thread after every event delivered before it. */
    /**
     * Waits until the client's server has applied everything committed so far and sent its events: a sync,
     * whose answer follows them. (An exists answered by a follower that has not yet applied another
     * member's writes would let their events arrive after the drain.)
     */
    static void flush(ZooKeeper zk) throws InterruptedException {
        CountDownLatch l = new CountDownLatch(1);
        zk.sync("/", (rc, path, ctx) -> l.countDown(), null);
        l.await(5, TimeUnit.SECONDS);
    }

    /** Drains the recorded events (after a flush of every given client). */
    List<Object> takeEvents(ZooKeeper... zks) throws InterruptedException {
        for (ZooKeeper zk : zks) flush(zk);
        List<Object> out;
        synchronized (events) {
            out = new ArrayList<>(events);
            events.clear();
        }
        return canonicalOrder(out);
    }

    /**
     * The Java client hands one server notification to its watchers in HashSet order (identity
     * hashes: differs run to run), so within a run of consecutive events with equal
     * (type, state, path) the watcher tags are sorted.
     */
    static List<Object> canonicalOrder(List<Object> evs) {
        List<Object> out = new ArrayList<>();
        int i = 0;
        while (i < evs.size()) {
            List<?> e = (List<?>) evs.get(i);
            int j = i + 1;
            while (j < evs.size() && ((List<?>) evs.get(j)).subList(1, 4).equals(e.subList(1, 4))) j++;
            List<Object> run = new ArrayList<>(evs.subList(i, j));
            run.sort(Comparator.comparing(x -> String.valueOf(((List<?>) x).get(0))));
            out.addAll(run);
            i = j;
        }
        return out;
    }

    void resetBase(ZooKeeper zk) throws Exception {
        try {
            ZKUtil.deleteRecursive(zk, base);
        } catch (KeeperException.NoNodeException e) {
            // fresh server
        }
        zk.create(base, new byte[0], OPEN, CreateMode.PERSISTENT);
    }

    static void cleanup(ZooKeeper zk, String path) {
        try { ZKUtil.deleteRecursive(zk, path); } catch (Exception e) { /* best effort */ }
    }

    // ---- calls and normalization --------------------------------------------------------------

    List<Object> call(Call c) {
        try {
            return Arrays.asList("ok", norm(c.run()));
        } catch (KeeperException e) {
            return Arrays.asList("err", e.code().name());
        } catch (RuntimeException e) {
            return Arrays.asList("client-exc", e.getClass().getSimpleName());
        } catch (Exception e) {
            return Arrays.asList("exc", e.getClass().getSimpleName());
        }
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    String sessionLabel(long sid) {
        for (int i = 0; i < clients.size(); i++) {
            if (clients.get(i).getSessionId() == sid) return "session" + i;
        }
        return null;
    }

    Object stat(Stat s) {
        if (s == null) return null;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("czxid", new Z(s.getCzxid()));
        m.put("mzxid", new Z(s.getMzxid()));
        m.put("ctime", time(s.getCtime()));
        m.put("mtime", time(s.getMtime()));
        m.put("version", s.getVersion());
        m.put("cversion", s.getCversion());
        m.put("aversion", s.getAversion());
        long owner = s.getEphemeralOwner();
        String label = owner == 0 ? null : sessionLabel(owner);
        // containers and TTL nodes encode their type (and TTL) in ephemeralOwner: keep the number
        m.put("ephemeralOwner", label != null ? label : (Object) owner);
        m.put("dataLength", s.getDataLength());
        m.put("numChildren", s.getNumChildren());
        m.put("pzxid", new Z(s.getPzxid()));
        return m;
    }

    static Object time(long ms) {
        if (ms == 0) return 0;
        return Math.abs(ms - System.currentTimeMillis()) < 3600_000L ? "T" : "BAD-TIME:" + ms;
    }

    static String code(int rc) {
        KeeperException.Code c = KeeperException.Code.get(rc);
        return c == null ? "rc" + rc : c.name();
    }

    Object norm(Object v) {
        if (v == null || v instanceof String || v instanceof Number || v instanceof Boolean || v instanceof Z) return v;
        if (v instanceof Stat) return stat((Stat) v);
        if (v instanceof byte[]) return "b:" + new String((byte[]) v, StandardCharsets.ISO_8859_1);
        if (v instanceof ClientInfo) {
            ClientInfo ci = (ClientInfo) v;
            return Arrays.asList(ci.getAuthScheme(), ci.getUser());
        }
        if (v instanceof WatchedEvent) return ev((WatchedEvent) v, "event");
        if (v instanceof OpResult.GetDataResult) {
            OpResult.GetDataResult r = (OpResult.GetDataResult) v;
            return Arrays.asList("getData", norm(r.getData()), stat(r.getStat()));
        }
        if (v instanceof OpResult.GetChildrenResult) {
            List<String> ch = new ArrayList<>(((OpResult.GetChildrenResult) v).getChildren());
            Collections.sort(ch);
            return Arrays.asList("getChildren", ch);
        }
        if (v instanceof OpResult.CreateResult) {
            OpResult.CreateResult r = (OpResult.CreateResult) v;
            return Arrays.asList("create", r.getPath(), stat(r.getStat()));
        }
        if (v instanceof OpResult.SetDataResult) return Arrays.asList("setData", stat(((OpResult.SetDataResult) v).getStat()));
        if (v instanceof OpResult.DeleteResult) return Collections.singletonList("delete");
        if (v instanceof OpResult.CheckResult) return Collections.singletonList("check");
        if (v instanceof OpResult.ErrorResult) return Arrays.asList("error", code(((OpResult.ErrorResult) v).getErr()));
        if (v instanceof Map) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) m.put(String.valueOf(e.getKey()), norm(e.getValue()));
            return m;
        }
        if (v instanceof Collection) {
            List<Object> l = new ArrayList<>();
            for (Object x : (Collection<?>) v) l.add(norm(x));
            return l;
        }
        return "unknown:" + v.getClass().getName();
    }

    static List<String> sorted(List<String> l) {
        List<String> c = new ArrayList<>(l);
        Collections.sort(c);
        return c;
    }

    static Object multiError(KeeperException e) {
        List<Object> out = new ArrayList<>();
        out.add("err");
        out.add(e.code().name());
        out.add(e.getResults());
        return out;
    }

    /** Polls until path is gone (true) or the deadline passes (false). */
    static boolean waitGone(ZooKeeper zk, String path, long timeoutMs) throws Exception {
        long end = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < end) {
            if (zk.exists(path, false) == null) return true;
            Thread.sleep(25);
        }
        return false;
    }

    static void sleepUntil(long t) throws InterruptedException {
        long d = t - System.currentTimeMillis();
        if (d > 0) Thread.sleep(d);
    }

    /** Async sync(): [rc name, path given to the callback]. */
    static Object sync(ZooKeeper zk, String path) throws Exception {
        CompletableFuture<Object> f = new CompletableFuture<>();
        zk.sync(path, (rc, p, ctx) -> f.complete(Arrays.asList(code(rc), p)), null);
        return f.get(10, TimeUnit.SECONDS);
    }

    // ---- scenarios ---------------------------------------------------------------------------

    /** CreateMode.CONTAINER: stat, children, reaping once the last child is gone, watches fired by the reaper. */
    Object container() throws Exception {
        ZooKeeper zk = connect(hosts);
        resetBase(zk);
        Map<String, Object> r = new LinkedHashMap<>();
        String c = base + "/c", unused = base + "/unused", ce = base + "/ce";
        Stat st = new Stat();
        r.put("create", call(() -> zk.create(c, b("c"), OPEN, CreateMode.CONTAINER, st)));
        r.put("create_stat", stat(st));
        r.put("exists", call(() -> zk.exists(c, false)));
        r.put("create_unused", call(() -> zk.create(unused, b(""), OPEN, CreateMode.CONTAINER)));
        r.put("create_existing", call(() -> zk.create(c, b(""), OPEN, CreateMode.CONTAINER)));
        r.put("child", call(() -> zk.create(c + "/kid", b("k"), OPEN, CreateMode.PERSISTENT)));
        r.put("child_seq", call(() -> zk.create(c + "/s-", b(""), OPEN, CreateMode.PERSISTENT_SEQUENTIAL)));
        r.put("nested_container", call(() -> zk.create(c + "/inner", b(""), OPEN, CreateMode.CONTAINER)));
        r.put("inner_child", call(() -> zk.create(c + "/inner/x", b(""), OPEN, CreateMode.PERSISTENT)));
        r.put("children", call(() -> sorted(zk.getChildren(c, false))));
        r.put("stat_with_children", call(() -> zk.exists(c, false)));
        Thread.sleep(600); // several check intervals: a container with children stays
        r.put("still_there", call(() -> zk.exists(c, false) != null));
        zk.exists(c, rec("existsC"));
        zk.getChildren(base, rec("childrenBase"));
        zk.getData(c + "/inner", rec("dataInner"), null);
        r.put("delete_kid", call(() -> { zk.delete(c + "/kid", -1); return "deleted"; }));
        r.put("delete_seq", call(() -> { zk.delete(c + "/s-0000000001", -1); return "deleted"; }));
        r.put("delete_inner_child", call(() -> { zk.delete(c + "/inner/x", -1); return "deleted"; }));
        // the reaper deletes /c/inner first, then /c (which had a child, inner, that is now gone)
        r.put("inner_reaped", waitGone(zk, c + "/inner", 10000));
        r.put("reaped", waitGone(zk, c, 10000));
        r.put("events", takeEvents(zk));
        // a container whose only child is an ephemeral of a session that goes away
        zk.create(ce, b(""), OPEN, CreateMode.CONTAINER);
        ZooKeeper other = connect(hosts);
        other.create(ce + "/e", b(""), OPEN, CreateMode.EPHEMERAL);
        other.close(3000);
        r.put("ephemeral_child_container_reaped", waitGone(zk, ce, 10000));
        // a container that never had a child is not reaped (maxNeverUsedIntervalMs defaults to 0)
        r.put("unused_after", call(() -> zk.exists(unused, false)));
        r.put("base_stat", call(() -> zk.exists(base, false)));
        r.put("base_children", call(() -> sorted(zk.getChildren(base, false))));
        cleanup(zk, base);
        return r;
    }

    /** PERSISTENT_WITH_TTL / PERSISTENT_SEQUENTIAL_WITH_TTL: stat, invalid TTLs, reaping after the TTL. */
    Object ttl() throws Exception {
        ZooKeeper zk = connect(hosts);
        resetBase(zk);
        Map<String, Object> r = new LinkedHashMap<>();
        String t = base + "/t", tp = base + "/tp", tlong = base + "/tlong", tx = base + "/tx";
        long t0 = System.currentTimeMillis();
        Stat st = new Stat();
        r.put("create", call(() -> zk.create(t, b("t"), OPEN, CreateMode.PERSISTENT_WITH_TTL, st, 1000)));
        r.put("create_stat", stat(st));
        Stat st2 = new Stat();
        String[] seqName = new String[1];
        // in a directory of its own, so that base's child watch sees only /t being reaped
        zk.create(base + "/sq", b(""), OPEN, CreateMode.PERSISTENT);
        r.put("create_seq", call(() -> seqName[0] = zk.create(base + "/sq/ts-", b(""), OPEN,
                CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL, st2, 1000)));
        r.put("create_seq_stat", stat(st2));
        r.put("create_parent", call(() -> zk.create(tp, b(""), OPEN, CreateMode.PERSISTENT_WITH_TTL, new Stat(), 500)));
        r.put("create_parent_child", call(() -> zk.create(tp + "/kid", b(""), OPEN, CreateMode.PERSISTENT)));
        r.put("create_long", call(() -> zk.create(tlong, b(""), OPEN, CreateMode.PERSISTENT_WITH_TTL, new Stat(), 600000)));
        r.put("create_touched", call(() -> zk.create(tx, b(""), OPEN, CreateMode.PERSISTENT_WITH_TTL, new Stat(), 2500)));
        r.put("ttl_zero", call(() -> zk.create(base + "/t0", b(""), OPEN, CreateMode.PERSISTENT_WITH_TTL, new Stat(), 0)));
        r.put("ttl_negative", call(() -> zk.create(base + "/tn", b(""), OPEN, CreateMode.PERSISTENT_WITH_TTL, new Stat(), -5)));
        r.put("ttl_too_big", call(() -> zk.create(base + "/tb", b(""), OPEN, CreateMode.PERSISTENT_WITH_TTL, new Stat(), 1L << 41)));
        r.put("ttl_on_plain_mode", call(() -> zk.create(base + "/tm", b(""), OPEN, CreateMode.PERSISTENT, new Stat(), 1000)));
        r.put("ttl_on_ephemeral", call(() -> zk.create(base + "/te", b(""), OPEN, CreateMode.EPHEMERAL, new Stat(), 1000)));
        r.put("ttl_existing", call(() -> zk.create(t, b(""), OPEN, CreateMode.PERSISTENT_WITH_TTL, new Stat(), 1000)));
        // setData refreshes mtime, so the TTL counts from the last modification: touch tx at
        // t0+1800 on a thread of its own, whatever the waits below take
        Object[] touch = new Object[1];
        Thread toucher = new Thread(() -> {
            try {
                sleepUntil(t0 + 1800);
            } catch (InterruptedException e) {
                return;
            }
            touch[0] = call(() -> zk.setData(tx, b("x"), -1));
        });
        toucher.setDaemon(true);
        toucher.start();
        r.put("exists", call(() -> zk.exists(t, false)));
        r.put("getData", call(() -> zk.getData(t, false, null)));
        r.put("present_right_after_create", zk.exists(t, false) != null);
        zk.exists(t, rec("existsT"));
        zk.getChildren(base, rec("childrenBase"));
        r.put("reaped", waitGone(zk, t, 10000));
        long reapedAfter = System.currentTimeMillis() - t0;
        r.put("not_reaped_before_ttl", reapedAfter >= 950);
        r.put("seq_reaped", seqName[0] != null && waitGone(zk, seqName[0], 10000));
        r.put("events", takeEvents(zk));
        // a TTL node with a child stays; once the child is gone it is reaped
        r.put("parent_with_child_present", call(() -> zk.exists(tp, false) != null));
        zk.delete(tp + "/kid", -1);
        r.put("parent_reaped_after_child_deleted", waitGone(zk, tp, 10000));
        toucher.join(10000);
        r.put("touch", touch[0]);
        // 3600 - 2500 leaves a reaper running once a second a chance to have acted
        sleepUntil(t0 + 3600);  // > 2500 after create, < 2500 after the touch
        r.put("touched_present", call(() -> zk.exists(tx, false) != null));
        r.put("touched_reaped_later", waitGone(zk, tx, 10000));
        r.put("long_present", call(() -> zk.exists(tlong, false)));
        r.put("base_children", call(() -> sorted(zk.getChildren(base, false))));
        cleanup(zk, base);
        return r;
    }

    /** The write sequence both persistent-watch scenarios observe. */
    void persistentOps(ZooKeeper zk, String p) throws Exception {
        zk.setData(p, b("1"), -1);
        zk.create(p + "/a", b(""), OPEN, CreateMode.PERSISTENT);
        zk.setData(p + "/a", b("2"), -1);
        zk.create(p + "/a/b", b(""), OPEN, CreateMode.PERSISTENT);
        zk.setData(p + "/a/b", b("3"), -1);
        zk.create(p + "/a/b/c", b(""), OPEN, CreateMode.PERSISTENT);
        zk.delete(p + "/a/b/c", -1);
        zk.delete(p + "/a/b", -1);
        zk.delete(p + "/a", -1);
        zk.create(p + "x", b(""), OPEN, CreateMode.PERSISTENT);      // sibling with a common prefix
        zk.create(p + "x/y", b(""), OPEN, CreateMode.PERSISTENT);
        String seq = zk.create(p + "/s-", b(""), OPEN, CreateMode.PERSISTENT_SEQUENTIAL);
        zk.create(p + "/e", b(""), OPEN, CreateMode.EPHEMERAL);
        zk.multi(Arrays.asList(Op.create(p + "/m", b(""), OPEN, CreateMode.PERSISTENT),
                Op.setData(p + "/m", b("m"), -1), Op.delete(p + "/m", -1)));
        zk.delete(seq, -1);
        zk.delete(p + "/e", -1);
        zk.delete(p, -1);
        zk.create(p, b(""), OPEN, CreateMode.PERSISTENT);
        zk.create(p + "/again", b(""), OPEN, CreateMode.PERSISTENT);
    }

    Object persistentWatch(AddWatchMode mode) throws Exception {
        ZooKeeper zk = connect(hosts);
        ZooKeeper other = connect(hosts);
        resetBase(zk);
        Map<String, Object> r = new LinkedHashMap<>();
        String p = base + "/p", q = base + "/q", p2 = base + "/p2";
        zk.create(p, b(""), OPEN, CreateMode.PERSISTENT);
        r.put("addWatch", call(() -> { zk.addWatch(p, rec("persistent"), mode); return "added"; }));
        r.put("addWatch_missing", call(() -> { zk.addWatch(q, rec("missing"), mode); return "added"; }));
        r.put("addWatch_default", call(() -> { other.addWatch(p, mode); return "added"; }));
        r.put("addWatch_invalid", call(() -> { zk.addWatch("nope", rec("invalid"), mode); return "added"; }));
        // one-shot watches of a third session on the same path fire once, alongside the persistent ones
        ZooKeeper oneshot = connect(hosts);
        oneshot.getChildren(p, rec("oneshot-children"));
        oneshot.getData(p, rec("oneshot-data"), null);
        persistentOps(zk, p);
        zk.create(q, b(""), OPEN, CreateMode.PERSISTENT);
        zk.create(q + "/k", b(""), OPEN, CreateMode.PERSISTENT);
        zk.delete(q + "/k", -1);
        zk.delete(q, -1);
        // an ephemeral that vanishes with its session
        ZooKeeper third = connect(hosts);
        third.create(p + "/eph", b(""), OPEN, CreateMode.EPHEMERAL);
        third.close(3000);
        waitGone(zk, p + "/eph", 5000);
        List<Object> evs = takeEvents(zk, other, oneshot);
        r.put("events", byClient(evs, "persistent", "missing"));
        r.put("events_other_default_watcher", byClient(evs, "default1"));
        r.put("events_oneshot_session", byClient(evs, "oneshot-"));
        r.put("remove_all", call(() -> { zk.removeAllWatches(p, Watcher.WatcherType.Any, false); return "removed"; }));
        zk.setData(p, b("after"), -1);
        zk.create(p + "/after", b(""), OPEN, CreateMode.PERSISTENT);
        evs = takeEvents(zk, other);
        r.put("events_after_remove", byClient(evs, "persistent", "missing"));
        r.put("events_after_remove_other", byClient(evs, "default1"));
        cleanup(zk, base);
        return r;
    }

    /**
     * One session holds a persistent (or recursive) watch and a one-shot watch on the same path.
     * Apache 3.8.0 keeps one watch mode per (session, path) in each of its data and child watch
     * managers, so a later one-shot watch downgrades the persistent one in that manager (fixed
     * upstream later: ZOOKEEPER-4466); these results record the 3.8.0 behaviour. The same holds
     * for two persistent watches of different modes on one path.
     */
    Object persistentMixedModes() throws Exception {
        ZooKeeper zk = connect(hosts);
        resetBase(zk);
        Map<String, Object> r = new LinkedHashMap<>();
        // the same session adds both persistent modes on one path: 3.8.0 keeps the last one only
        for (AddWatchMode first : AddWatchMode.values()) {
            AddWatchMode second = first == AddWatchMode.PERSISTENT ? AddWatchMode.PERSISTENT_RECURSIVE : AddWatchMode.PERSISTENT;
            String p = base + "/" + first.name().toLowerCase() + "-then-" + second.name().toLowerCase();
            zk.create(p, b(""), OPEN, CreateMode.PERSISTENT);
            zk.addWatch(p, rec("first"), first);
            zk.addWatch(p, rec("second"), second);
            zk.setData(p, b("1"), -1);
            zk.create(p + "/a", b(""), OPEN, CreateMode.PERSISTENT);
            zk.setData(p + "/a", b("2"), -1);
            zk.delete(p + "/a", -1);
            r.put(first.name() + "_then_" + second.name(), takeEvents(zk));
        }
        for (AddWatchMode mode : AddWatchMode.values()) {
            for (String oneshot : new String[]{"getData_after", "getChildren_after", "getData_before"}) {
                String p = base + "/" + mode.name().toLowerCase() + "-" + oneshot;
                zk.create(p, b(""), OPEN, CreateMode.PERSISTENT);
                if (oneshot.equals("getData_before")) zk.getData(p, rec("oneshot"), null);
                zk.addWatch(p, rec("persistent"), mode);
                if (oneshot.equals("getData_after")) zk.getData(p, rec("oneshot"), null);
                if (oneshot.equals("getChildren_after")) zk.getChildren(p, rec("oneshot"));
                zk.setData(p, b("1"), -1);
                zk.create(p + "/a", b(""), OPEN, CreateMode.PERSISTENT);
                zk.setData(p + "/a", b("2"), -1);
                zk.create(p + "/b", b(""), OPEN, CreateMode.PERSISTENT);
                zk.delete(p + "/a", -1);
                zk.setData(p, b("3"), -1);
                r.put(mode.name() + "_" + oneshot, takeEvents(zk));
            }
        }
        cleanup(zk, base);
        return r;
    }

    /** The events whose watcher tag starts with one of the prefixes (each client's own order is kept). */
    static List<Object> byClient(List<Object> evs, String... prefixes) {
        List<Object> out = new ArrayList<>();
        for (Object o : evs) {
            String tag = (String) ((List<?>) o).get(0);
            for (String pre : prefixes) {
                if (tag.startsWith(pre)) {
                    out.add(o);
                    break;
                }
            }
        }
        return out;
    }

    /** removeWatches (checkWatches, opcode 17) / removeAllWatches (removeWatches, opcode 18). */
    Object removeWatches() throws Exception {
        ZooKeeper zk = connect(hosts);
        ZooKeeper other = connect(hosts);
        resetBase(zk);
        Map<String, Object> r = new LinkedHashMap<>();
        String n = base + "/n", none = base + "/none";
        zk.create(n, b(""), OPEN, CreateMode.PERSISTENT);
        Watcher w1 = rec("w1"), w2 = rec("w2"), w3 = rec("w3"), w4 = rec("w4");
        zk.getData(n, w1, null);
        zk.exists(n, w2);
        zk.getChildren(n, w1);
        r.put("rm_w1_data", call(() -> { zk.removeWatches(n, w1, Watcher.WatcherType.Data, false); return "removed"; }));
        r.put("rm_w1_data_again", call(() -> { zk.removeWatches(n, w1, Watcher.WatcherType.Data, false); return "removed"; }));
        r.put("rm_w1_children", call(() -> { zk.removeWatches(n, w1, Watcher.WatcherType.Children, false); return "removed"; }));
        r.put("rm_w2_any", call(() -> { zk.removeWatches(n, w2, Watcher.WatcherType.Any, false); return "removed"; }));
        r.put("rm_unwatched_path", call(() -> { zk.removeWatches(none, w1, Watcher.WatcherType.Any, false); return "removed"; }));
        r.put("rm_all_nothing", call(() -> { zk.removeAllWatches(n, Watcher.WatcherType.Any, false); return "removed"; }));
        r.put("rm_all_nothing_other", call(() -> { other.removeAllWatches(n, Watcher.WatcherType.Data, false); return "removed"; }));
        r.put("events_removed", takeEvents(zk));
        // removeAllWatches by type: the other type's watch survives
        zk.getData(n, w1, null);
        zk.getChildren(n, w2);
        r.put("rm_all_data", call(() -> { zk.removeAllWatches(n, Watcher.WatcherType.Data, false); return "removed"; }));
        r.put("rm_all_data_again", call(() -> { zk.removeAllWatches(n, Watcher.WatcherType.Data, false); return "removed"; }));
        zk.setData(n, b("x"), -1);
        zk.create(n + "/c", b(""), OPEN, CreateMode.PERSISTENT);
        r.put("events_by_type", takeEvents(zk));
        // exists watch on a missing node, removed before the node appears
        zk.exists(none, w3);
        r.put("rm_exists_missing", call(() -> { zk.removeWatches(none, w3, Watcher.WatcherType.Data, false); return "removed"; }));
        zk.create(none, b(""), OPEN, CreateMode.PERSISTENT);
        r.put("events_exists_missing", takeEvents(zk));
        // local removal: the client forgets, the server still holds the watch
        zk.getData(n, w4, null);
        r.put("rm_local", call(() -> { zk.removeWatches(n, w4, Watcher.WatcherType.Data, true); return "removed"; }));
        zk.setData(n, b("y"), -1);
        r.put("events_local", takeEvents(zk));
        // persistent watches: the Java client keeps them apart from data/child watches, so removing
        // with type Data/Children fails client-side with NOWATCHER; for removeAllWatches (opcode
        // 18) the server has still removed that half of the watch (Apache 3.8.0), visible below
        String[] ps = {n + "-p1", n + "-p2", n + "-p3", n + "-r1", n + "-r2"};
        for (String x : ps) zk.create(x, b(""), OPEN, CreateMode.PERSISTENT);
        Watcher p1 = rec("p1"), p2 = rec("p2"), p3 = rec("p3"), r1 = rec("r1"), r2 = rec("r2");
        zk.addWatch(ps[0], p1, AddWatchMode.PERSISTENT);
        r.put("p1_check_data", call(() -> { zk.removeWatches(ps[0], p1, Watcher.WatcherType.Data, false); return "removed"; }));
        zk.setData(ps[0], b("z"), -1);
        r.put("p1_check_any", call(() -> { zk.removeWatches(ps[0], p1, Watcher.WatcherType.Any, false); return "removed"; }));
        zk.setData(ps[0], b("zz"), -1);
        r.put("events_p1", takeEvents(zk));
        zk.addWatch(ps[1], p2, AddWatchMode.PERSISTENT);
        r.put("p2_remove_all_data", call(() -> { zk.removeAllWatches(ps[1], Watcher.WatcherType.Data, false); return "removed"; }));
        zk.setData(ps[1], b("z"), -1);
        zk.create(ps[1] + "/c", b(""), OPEN, CreateMode.PERSISTENT);
        r.put("events_p2", takeEvents(zk));
        zk.addWatch(ps[2], p3, AddWatchMode.PERSISTENT);
        r.put("p3_remove_all_children", call(() -> { zk.removeAllWatches(ps[2], Watcher.WatcherType.Children, false); return "removed"; }));
        zk.setData(ps[2], b("z"), -1);
        zk.create(ps[2] + "/c", b(""), OPEN, CreateMode.PERSISTENT);
        r.put("events_p3", takeEvents(zk));
        zk.addWatch(ps[3], r1, AddWatchMode.PERSISTENT_RECURSIVE);
        r.put("r1_remove_all_children", call(() -> { zk.removeAllWatches(ps[3], Watcher.WatcherType.Children, false); return "removed"; }));
        zk.create(ps[3] + "/c", b(""), OPEN, CreateMode.PERSISTENT);
        zk.setData(ps[3], b("z"), -1);
        zk.delete(ps[3] + "/c", -1);
        r.put("events_r1_after_children", takeEvents(zk));
        r.put("r1_remove_all_data", call(() -> { zk.removeAllWatches(ps[3], Watcher.WatcherType.Data, false); return "removed"; }));
        zk.create(ps[3] + "/d", b(""), OPEN, CreateMode.PERSISTENT);
        zk.setData(ps[3] + "/d", b("z"), -1);
        zk.delete(ps[3] + "/d", -1);
        r.put("events_r1_after_data", takeEvents(zk));
        zk.addWatch(ps[4], r2, AddWatchMode.PERSISTENT_RECURSIVE);
        r.put("r2_remove_all_any", call(() -> { zk.removeAllWatches(ps[4], Watcher.WatcherType.Any, false); return "removed"; }));
        zk.create(ps[4] + "/c", b(""), OPEN, CreateMode.PERSISTENT);
        r.put("r2_remove_all_again", call(() -> { zk.removeAllWatches(ps[4], Watcher.WatcherType.Any, false); return "removed"; }));
        r.put("events_r2", takeEvents(zk));
        r.put("rm_bad_path", call(() -> { zk.removeAllWatches("nope", Watcher.WatcherType.Any, false); return "removed"; }));
        cleanup(zk, base);
        return r;
    }

    /** getEphemerals with and without prefix, from two sessions. */
    Object ephemerals() throws Exception {
        ZooKeeper zk = connect(hosts);
        resetBase(zk);
        ZooKeeper other = connect(hosts);
        Map<String, Object> r = new LinkedHashMap<>();
        zk.create(base + "/p", b(""), OPEN, CreateMode.PERSISTENT);
        zk.create(base + "/p/q", b(""), OPEN, CreateMode.PERSISTENT);
        zk.create(base + "/p/e1", b(""), OPEN, CreateMode.EPHEMERAL);
        zk.create(base + "/p/q/e2", b(""), OPEN, CreateMode.EPHEMERAL);
        zk.create(base + "/e3", b(""), OPEN, CreateMode.EPHEMERAL);
        zk.create(base + "/es-", b(""), OPEN, CreateMode.EPHEMERAL_SEQUENTIAL);
        other.create(base + "/oe", b(""), OPEN, CreateMode.EPHEMERAL);
        r.put("all", call(() -> sorted(zk.getEphemerals())));
        r.put("prefix_base", call(() -> sorted(zk.getEphemerals(base))));
        r.put("prefix_sub", call(() -> sorted(zk.getEphemerals(base + "/p"))));
        r.put("prefix_partial_name", call(() -> sorted(zk.getEphemerals(base + "/p/e"))));
        r.put("prefix_trailing_slash", call(() -> sorted(zk.getEphemerals(base + "/p/"))));
        r.put("prefix_missing", call(() -> sorted(zk.getEphemerals(base + "/missing"))));
        r.put("prefix_root", call(() -> sorted(zk.getEphemerals("/"))));
        r.put("prefix_invalid", call(() -> zk.getEphemerals("nope")));
        r.put("other_all", call(() -> sorted(other.getEphemerals())));
        r.put("other_prefix", call(() -> sorted(other.getEphemerals(base + "/p"))));
        CompletableFuture<Object> f = new CompletableFuture<>();
        zk.getEphemerals(base + "/p", (rc, ctx, paths) ->
                f.complete(Arrays.asList(code(rc), paths == null ? null : sorted(paths))), null);
        r.put("async", f.get(10, TimeUnit.SECONDS));
        r.put("stat_e1", call(() -> zk.exists(base + "/p/e1", false)));
        cleanup(zk, base);
        return r;
    }

    /** getAllChildrenNumber. */
    Object allChildrenNumber() throws Exception {
        ZooKeeper zk = connect(hosts);
        resetBase(zk);
        Map<String, Object> r = new LinkedHashMap<>();
        zk.create(base + "/a", b(""), OPEN, CreateMode.PERSISTENT);
        zk.create(base + "/a/b", b(""), OPEN, CreateMode.PERSISTENT);
        zk.create(base + "/a/b/c", b(""), OPEN, CreateMode.PERSISTENT);
        zk.create(base + "/a/e", b(""), OPEN, CreateMode.EPHEMERAL);
        zk.create(base + "/d", b(""), OPEN, CreateMode.PERSISTENT);
        r.put("base", call(() -> zk.getAllChildrenNumber(base)));
        r.put("a", call(() -> zk.getAllChildrenNumber(base + "/a")));
        r.put("leaf", call(() -> zk.getAllChildrenNumber(base + "/a/b/c")));
        r.put("missing", call(() -> zk.getAllChildrenNumber(base + "/missing")));
        r.put("zookeeper", call(() -> zk.getAllChildrenNumber("/zookeeper")));
        r.put("invalid", call(() -> zk.getAllChildrenNumber("nope")));
        zk.delete(base + "/a/b/c", -1);
        r.put("after_delete", call(() -> zk.getAllChildrenNumber(base)));
        CompletableFuture<Object> f = new CompletableFuture<>();
        zk.getAllChildrenNumber(base + "/missing", (rc, path, ctx, number) -> f.complete(Arrays.asList(code(rc), path, number)), null);
        r.put("async_missing", f.get(10, TimeUnit.SECONDS));
        cleanup(zk, base);
        return r;
    }

    /** whoAmI before and after addAuthInfo. */
    Object whoAmI() throws Exception {
        ZooKeeper zk = connect(hosts);
        resetBase(zk);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("anonymous", call(() -> sortedInfo(zk.whoAmI())));
        zk.addAuthInfo("digest", b("alice:secret"));
        r.put("digest_alice", call(() -> sortedInfo(zk.whoAmI())));
        zk.addAuthInfo("digest", b("bob:pw"));
        r.put("digest_alice_bob", call(() -> sortedInfo(zk.whoAmI())));
        zk.addAuthInfo("digest", b("alice:secret"));
        r.put("digest_alice_again", call(() -> sortedInfo(zk.whoAmI())));
        ZooKeeper su = connect(hosts);
        su.addAuthInfo("digest", b("super:test"));
        r.put("super", call(() -> sortedInfo(su.whoAmI())));
        ZooKeeper ip = connect(hosts);
        ip.addAuthInfo("ip", b("127.0.0.1"));
        r.put("ip", call(() -> sortedInfo(ip.whoAmI())));
        // the auth is usable: a node only alice may read
        zk.create(base + "/mine", b("m"), ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
        r.put("creator_acl", call(() -> zk.getACL(base + "/mine", new Stat()).size()));
        r.put("other_read", call(() -> ip.getData(base + "/mine", false, null)));
        r.put("super_read", call(() -> su.getData(base + "/mine", false, null)));
        // an unknown scheme fails the session's authentication
        ZooKeeper bad = connect(hosts);
        bad.addAuthInfo("nosuchscheme", b("x"));
        flush(bad);
        Thread.sleep(200);
        r.put("bad_scheme_events", takeEvents());
        r.put("bad_scheme_state", bad.getState().name());
        cleanup(su, base);
        return r;
    }

    static List<Object> sortedInfo(List<ClientInfo> l) {
        List<Object> out = new ArrayList<>();
        if (l == null) return null;
        for (ClientInfo ci : l) out.add(Arrays.asList(ci.getAuthScheme(), ci.getUser()));
        out.sort(Comparator.comparing(Object::toString));
        return out;
    }

    /** zk.multi() with read ops (multiRead, opcode 22) and write ops creating containers/TTL nodes. */
    Object multi() throws Exception {
        ZooKeeper zk = connect(hosts);
        resetBase(zk);
        Map<String, Object> r = new LinkedHashMap<>();
        String m = base + "/m";
        zk.create(m, b("m"), OPEN, CreateMode.PERSISTENT);
        zk.create(m + "/a", b("a"), OPEN, CreateMode.PERSISTENT);
        zk.create(m + "/b", b(""), OPEN, CreateMode.PERSISTENT);
        r.put("read", call(() -> zk.multi(Arrays.asList(
                Op.getData(m), Op.getChildren(m), Op.getData(m + "/missing"), Op.getChildren(m + "/a"),
                Op.getData(m + "/a"), Op.getChildren(m + "/missing")))));
        r.put("read_only_errors", call(() -> zk.multi(Arrays.asList(Op.getData(m + "/x"), Op.getChildren(m + "/y")))));
        r.put("empty", call(() -> zk.multi(new ArrayList<>())));
        r.put("mixed", call(() -> zk.multi(Arrays.asList(Op.getData(m), Op.setData(m, b("x"), -1)))));
        try {
            r.put("write", Arrays.asList("ok", norm(zk.multi(Arrays.asList(
                    Op.create(m + "/c", b("c"), OPEN, CreateMode.CONTAINER),
                    Op.create(m + "/t", b("t"), OPEN, CreateMode.PERSISTENT_WITH_TTL, 60000),
                    Op.create(m + "/s-", b(""), OPEN, CreateMode.PERSISTENT_SEQUENTIAL),
                    Op.create(m + "/p", b(""), OPEN, CreateMode.PERSISTENT),
                    Op.create(m + "/e", b(""), OPEN, CreateMode.EPHEMERAL),
                    Op.check(m, 0),
                    Op.setData(m, b("mm"), 0),
                    Op.delete(m + "/b", 0))))));
        } catch (KeeperException e) {
            r.put("write", norm(multiError(e)));
        }
        try {
            r.put("write_fail", Arrays.asList("ok", norm(zk.multi(Arrays.asList(
                    Op.create(m + "/n1", b(""), OPEN, CreateMode.PERSISTENT),
                    Op.create(m + "/a", b(""), OPEN, CreateMode.PERSISTENT),
                    Op.setData(m, b(""), -1))))));
        } catch (KeeperException e) {
            r.put("write_fail", norm(multiError(e)));
        }
        try {
            r.put("write_fail_ttl", Arrays.asList("ok", norm(zk.multi(Arrays.asList(
                    Op.create(m + "/n2", b(""), OPEN, CreateMode.PERSISTENT),
                    Op.create(m + "/nope/t", b(""), OPEN, CreateMode.PERSISTENT_WITH_TTL, 1000))))));
        } catch (KeeperException e) {
            r.put("write_fail_ttl", norm(multiError(e)));
        }
        r.put("stat_t", call(() -> zk.exists(m + "/t", false)));
        r.put("stat_c", call(() -> zk.exists(m + "/c", false)));
        r.put("read_after", call(() -> zk.multi(Arrays.asList(Op.getChildren(m), Op.getData(m)))));
        CompletableFuture<Object> f = new CompletableFuture<>();
        zk.multi(Arrays.asList(Op.getData(m), Op.getData(m + "/zz")),
                (rc, path, ctx, results) -> f.complete(Arrays.asList(code(rc), path, norm(results))), null);
        r.put("async_read", f.get(10, TimeUnit.SECONDS));
        cleanup(zk, base);
        return r;
    }

    /** create with a Stat out-parameter (create2, opcode 15) in every mode, and its errors. */
    Object create2() throws Exception {
        ZooKeeper zk = connect(hosts);
        resetBase(zk);
        Map<String, Object> r = new LinkedHashMap<>();
        for (CreateMode mode : new CreateMode[]{CreateMode.PERSISTENT, CreateMode.EPHEMERAL,
                CreateMode.PERSISTENT_SEQUENTIAL, CreateMode.EPHEMERAL_SEQUENTIAL, CreateMode.CONTAINER}) {
            Stat st = new Stat();
            Object res = call(() -> zk.create(base + "/" + mode.name().toLowerCase() + "-", b("data"), OPEN, mode, st));
            r.put(mode.name(), Arrays.asList(res, stat(st)));
        }
        Stat st = new Stat();
        r.put("existing", Arrays.asList(call(() -> zk.create(base + "/persistent-", b(""), OPEN, CreateMode.PERSISTENT, st)), stat(st)));
        r.put("no_parent", call(() -> zk.create(base + "/x/y", b(""), OPEN, CreateMode.PERSISTENT, new Stat())));
        r.put("under_ephemeral", call(() -> zk.create(base + "/ephemeral-/x", b(""), OPEN, CreateMode.PERSISTENT, new Stat())));
        r.put("creator_acl_no_auth", call(() -> zk.create(base + "/ca", b(""), ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT, new Stat())));
        r.put("null_data", call(() -> { Stat s = new Stat(); zk.create(base + "/nd", null, OPEN, CreateMode.PERSISTENT, s); return stat(s); }));
        r.put("null_data_get", call(() -> zk.getData(base + "/nd", false, null)));
        r.put("empty_acl", call(() -> zk.create(base + "/ea", b(""), new ArrayList<>(), CreateMode.PERSISTENT, new Stat())));
        CompletableFuture<Object> f = new CompletableFuture<>();
        zk.create(base + "/async", b("a"), OPEN, CreateMode.PERSISTENT_SEQUENTIAL,
                (AsyncCallback.Create2Callback) (rc, path, ctx, name, stat) ->
                        f.complete(Arrays.asList(code(rc), path, name, stat(stat))), null);
        r.put("async", f.get(10, TimeUnit.SECONDS));
        CompletableFuture<Object> g = new CompletableFuture<>();
        zk.create(base + "/async", b("a"), OPEN, CreateMode.PERSISTENT,
                (AsyncCallback.Create2Callback) (rc, path, ctx, name, stat) ->
                        g.complete(Arrays.asList(code(rc), path, name, stat(stat))), null);
        r.put("async_exists", g.get(10, TimeUnit.SECONDS));
        r.put("base", call(() -> zk.exists(base, false)));
        r.put("children", call(() -> sorted(zk.getChildren(base, false))));
        cleanup(zk, base);
        return r;
    }

    /** exists() watches on missing nodes, one-shot semantics, and which reads leave a watch. */
    Object existsWatch() throws Exception {
        ZooKeeper zk = connect(hosts);
        resetBase(zk);
        Map<String, Object> r = new LinkedHashMap<>();
        String w = base + "/w", v = base + "/v";
        Watcher w1 = rec("w1"), w2 = rec("w2"), w3 = rec("w3");
        r.put("exists_missing", call(() -> zk.exists(w, w1)));
        r.put("exists_missing_again", call(() -> zk.exists(w, w1)));   // same watcher: one event
        r.put("exists_missing_w2", call(() -> zk.exists(w, w2)));
        r.put("exists_missing_default", call(() -> zk.exists(w, true)));
        zk.create(w, b(""), OPEN, CreateMode.PERSISTENT);
        r.put("after_create", takeEvents(zk));
        zk.exists(w, w1);
        zk.setData(w, b("x"), -1);
        zk.setData(w, b("y"), -1);   // fired once only
        r.put("after_set", takeEvents(zk));
        zk.exists(w, w1);
        zk.getData(w, w2, null);
        zk.getChildren(w, w3);
        zk.delete(w, -1);
        r.put("after_delete", takeEvents(zk));
        // getData / getChildren on a missing node leave no watch
        r.put("getData_missing", call(() -> zk.getData(v, w1, null)));
        r.put("getChildren_missing", call(() -> zk.getChildren(v, w2)));
        zk.create(v, b(""), OPEN, CreateMode.PERSISTENT);
        zk.create(v + "/k", b(""), OPEN, CreateMode.PERSISTENT);
        r.put("after_create_v", takeEvents(zk));
        // an exists watch on a missing ephemeral created by another session, which then leaves
        ZooKeeper other = connect(hosts);
        zk.exists(base + "/eph", w3);
        other.create(base + "/eph", b(""), OPEN, CreateMode.EPHEMERAL);
        zk.exists(base + "/eph", w3);
        other.close(3000);
        waitGone(zk, base + "/eph", 5000);
        r.put("ephemeral_events", takeEvents(zk));
        cleanup(zk, base);
        return r;
    }

    /** sync(): callback rc and path, and read-after-sync. */
    Object sync() throws Exception {
        ZooKeeper zk = connect(hosts);
        resetBase(zk);
        ZooKeeper other = connect(hosts);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("base", sync(zk, base));
        r.put("missing", sync(zk, base + "/missing"));
        r.put("root", sync(zk, "/"));
        r.put("invalid", call(() -> sync(zk, "nope")));
        other.create(base + "/x", b("v"), OPEN, CreateMode.PERSISTENT);
        r.put("after_other_write", sync(zk, base + "/x"));
        r.put("read", call(() -> zk.getData(base + "/x", false, null)));
        ZooKeeper ch = connect(hosts + base);
        r.put("chroot", sync(ch, "/x"));
        r.put("chroot_root", sync(ch, "/"));
        cleanup(zk, base);
        return r;
    }

    /** The Java client's chroot handling (connect string host:port/chroot). */
    Object chroot() throws Exception {
        ZooKeeper zk = connect(hosts);
        resetBase(zk);
        Map<String, Object> r = new LinkedHashMap<>();
        String root = base + "/root";
        zk.create(root, b("root"), OPEN, CreateMode.PERSISTENT);
        ZooKeeper c = connect(hosts + root);
        r.put("create", call(() -> c.create("/a", b("a"), OPEN, CreateMode.PERSISTENT)));
        r.put("create_seq", call(() -> c.create("/s-", b(""), OPEN, CreateMode.PERSISTENT_SEQUENTIAL)));
        r.put("create_eph_seq", call(() -> c.create("/e-", b(""), OPEN, CreateMode.EPHEMERAL_SEQUENTIAL)));
        Stat st = new Stat();
        r.put("create2", Arrays.asList(call(() -> c.create("/d", b("dd"), OPEN, CreateMode.PERSISTENT, st)), stat(st)));
        r.put("create_ttl", call(() -> c.create("/t", b(""), OPEN, CreateMode.PERSISTENT_WITH_TTL, new Stat(), 600000)));
        r.put("create_container", call(() -> c.create("/c", b(""), OPEN, CreateMode.CONTAINER)));
        r.put("create_existing", call(() -> c.create("/a", b(""), OPEN, CreateMode.PERSISTENT)));
        r.put("children_root", call(() -> sorted(c.getChildren("/", false))));
        r.put("exists_root", call(() -> c.exists("/", false)));
        r.put("getData_root", call(() -> c.getData("/", false, null)));
        r.put("getData", call(() -> c.getData("/a", false, null)));
        r.put("outside_view", call(() -> sorted(zk.getChildren(root, false))));
        Watcher w = rec("w");
        c.exists("/b", w);
        c.getChildren("/", w);
        c.create("/b", b(""), OPEN, CreateMode.PERSISTENT);
        r.put("events_create", takeEvents(c));
        c.addWatch("/", rec("recursive"), AddWatchMode.PERSISTENT_RECURSIVE);
        c.addWatch("/a", rec("persistent"), AddWatchMode.PERSISTENT);
        c.create("/a/x", b(""), OPEN, CreateMode.PERSISTENT);
        c.setData("/a", b("a2"), -1);
        zk.delete(root + "/a/x", -1);  // a change made outside the chroot
        r.put("events_persistent", takeEvents(c));
        r.put("multi_write", call(() -> c.multi(Arrays.asList(
                Op.create("/m", b(""), OPEN, CreateMode.PERSISTENT),
                Op.create("/m/s-", b(""), OPEN, CreateMode.PERSISTENT_SEQUENTIAL),
                Op.setData("/a", b("a3"), -1),
                Op.check("/d", 0)))));
        r.put("multi_read", call(() -> c.multi(Arrays.asList(Op.getData("/a"), Op.getChildren("/"), Op.getData("/nope")))));
        r.put("events_multi", takeEvents(c));
        r.put("rm_all_root", call(() -> { c.removeAllWatches("/", Watcher.WatcherType.Any, false); return "removed"; }));
        r.put("rm_all_a", call(() -> { c.removeAllWatches("/a", Watcher.WatcherType.Any, false); return "removed"; }));
        r.put("rm_all_again", call(() -> { c.removeAllWatches("/a", Watcher.WatcherType.Any, false); return "removed"; }));
        r.put("events_removed", takeEvents(c));
        r.put("ephemerals", call(() -> sorted(c.getEphemerals())));
        r.put("ephemerals_prefix", call(() -> sorted(c.getEphemerals("/e"))));
        r.put("all_children_number_root", call(() -> c.getAllChildrenNumber("/")));
        r.put("all_children_number_m", call(() -> c.getAllChildrenNumber("/m")));
        r.put("sync", sync(c, "/a"));
        r.put("delete", call(() -> { c.delete("/b", -1); return "deleted"; }));
        r.put("children_after", call(() -> sorted(c.getChildren("/", false))));
        // a chroot that does not exist
        ZooKeeper n = connect(hosts + base + "/nochroot");
        r.put("missing_exists_root", call(() -> n.exists("/", false)));
        r.put("missing_create", call(() -> n.create("/x", b(""), OPEN, CreateMode.PERSISTENT)));
        r.put("missing_children", call(() -> n.getChildren("/", false)));
        r.put("missing_ephemerals", call(() -> n.getEphemerals()));
        zk.create(base + "/nochroot", b(""), OPEN, CreateMode.PERSISTENT);
        r.put("missing_now_created", call(() -> n.create("/x", b(""), OPEN, CreateMode.PERSISTENT)));
        cleanup(zk, base);
        return r;
    }

    Object run(String scenario) throws Exception {
        switch (scenario) {
            case "container": return container();
            case "ttl": return ttl();
            case "persistent_watch": return persistentWatch(AddWatchMode.PERSISTENT);
            case "persistent_recursive_watch": return persistentWatch(AddWatchMode.PERSISTENT_RECURSIVE);
            case "persistent_mixed_modes": return persistentMixedModes();
            case "remove_watches": return removeWatches();
            case "ephemerals": return ephemerals();
            case "all_children_number": return allChildrenNumber();
            case "whoami": return whoAmI();
            case "multi": return multi();
            case "create2": return create2();
            case "exists_watch": return existsWatch();
            case "sync": return sync();
            case "chroot": return chroot();
            default: throw new IllegalArgumentException("unknown scenario " + scenario);
        }
    }

    static final String[] SCENARIOS = {"container", "ttl", "persistent_watch", "persistent_recursive_watch",
            "persistent_mixed_modes",
            "remove_watches", "ephemerals", "all_children_number", "whoami", "multi", "create2",
            "exists_watch", "sync", "chroot"};

    // ---- JSON output ---------------------------------------------------------------------------

    static void collect(Object v, TreeSet<Long> zs) {
        if (v instanceof Z) zs.add(((Z) v).v);
        else if (v instanceof Map) for (Object x : ((Map<?, ?>) v).values()) collect(x, zs);
        else if (v instanceof Collection) for (Object x : (Collection<?>) v) collect(x, zs);
    }

    static void json(Object v, Map<Long, Integer> rank, StringBuilder sb) {
        if (v == null) sb.append("null");
        else if (v instanceof Z) sb.append("\"z").append(rank.get(((Z) v).v)).append('"');
        else if (v instanceof Number || v instanceof Boolean) sb.append(v);
        else if (v instanceof Map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                if (!first) sb.append(", ");
                first = false;
                str(String.valueOf(e.getKey()), sb);
                sb.append(": ");
                json(e.getValue(), rank, sb);
            }
            sb.append('}');
        } else if (v instanceof Collection) {
            sb.append('[');
            boolean first = true;
            for (Object x : (Collection<?>) v) {
                if (!first) sb.append(", ");
                first = false;
                json(x, rank, sb);
            }
            sb.append(']');
        } else str(String.valueOf(v), sb);
    }

    static void str(String s, StringBuilder sb) {
        sb.append('"');
        for (char ch : s.toCharArray()) {
            if (ch == '"' || ch == '\\') sb.append('\\').append(ch);
            else if (ch < 0x20 || ch > 0x7e) sb.append(String.format("\\u%04x", (int) ch));
            else sb.append(ch);
        }
        sb.append('"');
    }

    static String toJson(Object v) {
        TreeSet<Long> zs = new TreeSet<>();
        collect(v, zs);
        Map<Long, Integer> rank = new HashMap<>();
        int i = 0;
        for (long z : zs) rank.put(z, i++);
        StringBuilder sb = new StringBuilder();
        json(v, rank, sb);
        return sb.toString();
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("--list")) {
            System.out.println(String.join("\n", SCENARIOS));
            return;
        }
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: CompatScenarios HOST:PORT SCENARIO [BASE] | --list");
            System.exit(64);
        }
        long limit = Long.getLong("compat.timeoutMs", 60000L);
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(limit);
                System.err.println("CompatScenarios: time limit of " + limit + " ms exceeded");
                Runtime.getRuntime().halt(3);
            } catch (InterruptedException e) {
                // done in time
            }
        });
        watchdog.setDaemon(true);
        watchdog.start();
        String base = args.length == 3 ? args[2] : "/java-" + args[1];
        CompatScenarios s = new CompatScenarios(args[0], base);
        int status = 0;
        try {
            Object result = s.norm(s.run(args[1]));
            System.out.println(toJson(result));
        } catch (Throwable t) {
            t.printStackTrace();
            status = 2;
        } finally {
            s.closeAll();
        }
        System.out.flush();
        // the client's threads are daemons, but do not wait on anything left behind
        Runtime.getRuntime().halt(status);
    }
}
