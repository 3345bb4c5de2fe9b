package pipeline

import "testing"

func TestStampedVersion(t *testing.T) {
	tests := []struct{ version, revision, modified, want string }{
		{"", "", "", ""},
		{"v1.2.0", "", "", "v1.2.0"},
		{"v1.2.0", "4f2a9c", "false", "v1.2.0 vcs.revision=4f2a9c vcs.modified=false"},
		{"", "4f2a9c", "", "devel vcs.revision=4f2a9c"},
		{"v0.0.0-20261202015000-4f2a9c000000", "4f2a9c", "true", "v0.0.0-20261202015000-4f2a9c000000 vcs.revision=4f2a9c vcs.modified=true"},
	}
	for _, tc := range tests {
		if got := stampedVersion(tc.version, tc.revision, tc.modified); got != tc.want {
			t.Errorf("stampedVersion(%q, %q, %q) = %q, want %q", tc.version, tc.revision, tc.modified, got, tc.want)
		}
	}
}
