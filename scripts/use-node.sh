# Puts Node.js 24 LTS first on PATH when the machine's Node is older. Source it (bash):
#
#   source scripts/use-node.sh
#
# The Node.js binary comes from the npm registry (the `node-linux-<arch>` package ships the real
# `bin/node`), so it works where only the npm registry is reachable. It is unpacked once into
# $WALKYDOGGY_NODE_CACHE (default ~/.cache/walkydoggy) and reused. npm itself is the machine's: it
# runs on whichever `node` comes first on PATH.
WALKYDOGGY_NODE_VERSION="${WALKYDOGGY_NODE_VERSION:-24.22.3}"

wd_use_node() {
  local want_major="${WALKYDOGGY_NODE_VERSION%%.*}" have_major=0
  if command -v node >/dev/null 2>&1; then have_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0); fi
  if ((have_major >= want_major)); then return 0; fi

  local arch
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *)
      echo "use-node: no Node.js $want_major package for $(uname -m); install Node.js $want_major yourself" >&2
      return 1
      ;;
  esac
  local dir="${WALKYDOGGY_NODE_CACHE:-$HOME/.cache/walkydoggy}/node-v$WALKYDOGGY_NODE_VERSION-linux-$arch"
  if [ ! -x "$dir/bin/node" ]; then
    echo "use-node: fetching Node.js $WALKYDOGGY_NODE_VERSION (node-linux-$arch) from the npm registry into $dir" >&2
    local tmp
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "node-linux-$arch@$WALKYDOGGY_NODE_VERSION" >/dev/null) || {
      rm -rf "$tmp"
      return 1
    }
    rm -rf "$dir.partial"
    mkdir -p "$dir.partial"
    tar xzf "$tmp"/node-linux-"$arch"-*.tgz -C "$dir.partial" --strip-components=1
    rm -rf "$tmp" "$dir"
    # Moved into place only when whole, so an interrupted download is fetched again next time.
    mv "$dir.partial" "$dir"
  fi
  export PATH="$dir/bin:$PATH"
  hash -r
}

wd_use_node && echo "use-node: $(command -v node) $(node -v)" >&2
