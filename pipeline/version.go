package pipeline

import "strings"

// Set at link time by scripts/build.sh (go build -ldflags "-X ..."), the build that the container
// image and CI use: the module version, the VCS revision and whether the work tree had changes.
// A plain `go build` leaves them empty and CodeVersion falls back to the Go build info.
var (
	buildVersion  string
	buildRevision string
	buildModified string
)

// stampedVersion is CodeVersion from the link-time stamps, in the same shape as from build info
// ("v1.2.0 vcs.revision=4f2a… vcs.modified=false"); "" when nothing was stamped.
func stampedVersion(version, revision, modified string) string {
	if version == "" && revision == "" {
		return ""
	}
	if version == "" {
		version = "devel"
	}
	parts := []string{version}
	if revision != "" {
		parts = append(parts, "vcs.revision="+revision)
	}
	if modified != "" {
		parts = append(parts, "vcs.modified="+modified)
	}
	return strings.Join(parts, " ")
}
