#!/bin/sh
# Regenerates Tests/Golden/peer/apache-3.8.0-peer.txt from Apache's own classes (needs javac and
# /usr/share/java/zookeeper.jar, whose manifest Class-Path brings the jute jar and dependencies).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
classes=$(mktemp -d)
trap 'rm -rf "$classes"' EXIT
cp=/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-nop.jar
javac -d "$classes" -cp "$cp" "$here/PeerGolden.java"
java -cp "$classes:$cp" org.apache.zookeeper.server.quorum.PeerGolden > "$here/../apache-3.8.0-peer.txt"
echo "wrote $here/../apache-3.8.0-peer.txt"
