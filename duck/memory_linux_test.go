//go:build linux

package duck

import (
	"os"
	"path/filepath"
	"testing"
)

// TestAvailableMemory builds cgroup trees as containers and hosts show them and checks which limit
// the default memory_limit is taken from.
func TestAvailableMemory(t *testing.T) {
	const gib = 1 << 30
	const ram = 24 * gib
	tests := []struct {
		name  string
		files map[string]string // path under the cgroup root -> content
		self  string            // /proc/self/cgroup
		want  uint64
	}{
		{"V2ContainerNamespace", map[string]string{"memory.max": "5368709120\n"}, "0::/\n", 5 * gib},
		{"V2Unlimited", map[string]string{"memory.max": "max\n"}, "0::/\n", ram},
		{"V2HostNamespaceFolderNotMounted", map[string]string{"memory.max": "2147483648\n"},
			"0::/system.slice/docker-abc.scope\n", 2 * gib},
		{"V2SmallestAlongPath", map[string]string{
			"memory.max":                        "max",
			"system.slice/memory.max":           "3221225472",
			"system.slice/job.scope/memory.max": "4294967296",
		}, "0::/system.slice/job.scope\n", 3 * gib},
		{"V1Container", map[string]string{"memory/memory.limit_in_bytes": "5368709120"},
			"12:memory:/docker/abc\n11:cpu,cpuacct:/docker/abc\n", 5 * gib},
		{"V1NoLimit", map[string]string{"memory/memory.limit_in_bytes": "9223372036854771712"},
			"4:memory:/process_api/x\n0::/\n", ram},
		{"V1JoinedControllers", map[string]string{"memory/a/memory.limit_in_bytes": "1073741824"},
			"5:cpu,memory:/a\n", gib},
		{"LimitAboveRAM", map[string]string{"memory.max": "107374182400"}, "0::/\n", ram},
		{"NoCgroupFile", nil, "", ram},
		{"Garbage", map[string]string{"memory.max": "lots"}, "0::/\nnot a line\n", ram},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			for p, content := range tc.files {
				path := filepath.Join(root, p)
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if got := availableMemory(ram, root, tc.self); got != tc.want {
				t.Errorf("availableMemory = %d, want %d", got, tc.want)
			}
		})
	}
	t.Run("RAMUnknown", func(t *testing.T) {
		root := t.TempDir()
		if got := availableMemory(0, root, "0::/\n"); got != 0 {
			t.Errorf("no RAM and no cgroup: got %d, want 0", got)
		}
	})
}
