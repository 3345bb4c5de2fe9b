#!/usr/bin/env bash
# Builds the refresh binary the one way the container image and CI build it: cgo on (DuckDB is C++),
# trimmed paths, and the module version and VCS revision stamped in with -ldflags -X, so manifests
# (code_version) and `refresh --version` name the code that ran.
#
# usage: scripts/build.sh [OUTPUT]            (default OUTPUT: bin/refresh)
#
# VERSION, REVISION and MODIFIED override what git reports; the image build passes them as build
# arguments because .git is not in its build context. From a git checkout: VERSION is the v* tag on
# HEAD, or else a Go pseudo-version (v0.0.0-<commit time UTC>-<12 hex of the revision>); REVISION
# is the commit; MODIFIED is true when tracked files differ from it.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bin/refresh}

if [ -z "${REVISION:-}${VERSION:-}" ] && command -v git >/dev/null 2>&1 && git rev-parse --git-dir >/dev/null 2>&1; then
  REVISION=$(git rev-parse HEAD)
  if ! VERSION=$(git describe --tags --exact-match --match 'v[0-9]*' HEAD 2>/dev/null); then
    VERSION="v0.0.0-$(TZ=UTC git log -1 --format=%cd --date=format-local:%Y%m%d%H%M%S HEAD)-${REVISION:0:12}"
  fi
  if [ -z "${MODIFIED:-}" ]; then
    if [ -n "$(git status --porcelain --untracked-files=no)" ]; then MODIFIED=true; else MODIFIED=false; fi
  fi
fi
VERSION=${VERSION:-devel}
for v in "$VERSION" "${REVISION:-}" "${MODIFIED:-}"; do
  if [[ ! "$v" =~ ^[A-Za-z0-9._+-]*$ ]]; then
    echo "build.sh: version stamp \"$v\" has characters other than letters, digits and ._+-" >&2
    exit 2
  fi
done

pkg=github.com/capscore/capscore/pipeline
ldflags="-X $pkg.buildVersion=$VERSION -X $pkg.buildRevision=${REVISION:-} -X $pkg.buildModified=${MODIFIED:-}"
export CGO_ENABLED=1
mkdir -p "$(dirname "$out")"
go build -trimpath -ldflags "$ldflags" -o "$out" ./cmd/refresh
echo "built $out: $VERSION${REVISION:+ vcs.revision=$REVISION}${MODIFIED:+ vcs.modified=$MODIFIED}" >&2
