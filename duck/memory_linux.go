//go:build linux

package duck

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// DefaultMemoryLimit is 60% of the memory the process may use: the limit of its cgroup when it has
// one (a container's memory limit: cgroup v2 memory.max or v1 memory.limit_in_bytes, the smallest
// along the cgroup's path), capped by the machine's RAM. "" when neither can be read.
func DefaultMemoryLimit() string {
	var ram uint64
	var info syscall.Sysinfo_t
	if err := syscall.Sysinfo(&info); err == nil {
		ram = uint64(info.Totalram) * uint64(info.Unit)
	}
	self, _ := os.ReadFile("/proc/self/cgroup")
	return memoryLimitOf(availableMemory(ram, "/sys/fs/cgroup", string(self)))
}

// availableMemory is the smaller of ram and the cgroup limit found under root (the cgroup file
// system's mount point) for the process whose /proc/self/cgroup is self; 0 when neither is known.
func availableMemory(ram uint64, root, self string) uint64 {
	limit, ok := cgroupMemoryLimit(root, self)
	switch {
	case !ok:
		return ram
	case ram == 0 || limit < ram:
		return limit
	default:
		return ram
	}
}

// noLimitFrom: cgroup v1 writes "no limit" as a page-rounded 2^63-1; anything this large is none.
const noLimitFrom = 1 << 62

// cgroupMemoryLimit reads the memory limit of the cgroups listed in self (lines "id:controllers:path"):
// v2 (id 0, no controllers) in root/<path>/memory.max, v1 (the memory controller) in
// root/memory/<path>/memory.limit_in_bytes. Each is read from the cgroup's folder up to the mount
// point, because inside a container the folder named in self is often not mounted and the
// container's own cgroup is the mount point; the smallest limit wins.
func cgroupMemoryLimit(root, self string) (uint64, bool) {
	var best uint64
	found := false
	consider := func(dir, base, file string) {
		for {
			if v, ok := readLimit(filepath.Join(dir, file)); ok && (!found || v < best) {
				best, found = v, true
			}
			if dir == base || len(dir) < len(base) {
				return
			}
			dir = filepath.Dir(dir)
		}
	}
	for _, line := range strings.Split(self, "\n") {
		parts := strings.SplitN(strings.TrimSpace(line), ":", 3)
		if len(parts) != 3 {
			continue
		}
		switch {
		case parts[0] == "0" && parts[1] == "":
			consider(filepath.Join(root, parts[2]), filepath.Clean(root), "memory.max")
		case hasController(parts[1], "memory"):
			base := filepath.Join(root, "memory")
			consider(filepath.Join(base, parts[2]), base, "memory.limit_in_bytes")
		}
	}
	return best, found
}

// hasController reports whether the comma-separated list names c.
func hasController(list, c string) bool {
	for _, s := range strings.Split(list, ",") {
		if s == c {
			return true
		}
	}
	return false
}

// readLimit reads a limit file: a byte count, or "max" / a huge value for no limit (false).
func readLimit(path string) (uint64, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	v, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	if err != nil || v == 0 || v >= noLimitFrom {
		return 0, false
	}
	return v, true
}
