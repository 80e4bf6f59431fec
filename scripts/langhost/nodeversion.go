package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// nodeVersion returns the version of the node binary at nodeBin (without the "v"). The engine
// asks for it (About) on every preview and update, in a host of its own, so the answer is kept
// in the user's cache keyed by the binary's path, size and modification time: a different or
// replaced node is asked again.
func nodeVersion(ctx context.Context, nodeBin string) (string, error) {
	key := ""
	if info, err := os.Stat(nodeBin); err == nil {
		key = fmt.Sprintf("%s\t%d\t%d", nodeBin, info.Size(), info.ModTime().UnixNano())
	}
	cacheFile := ""
	if dir, err := os.UserCacheDir(); err == nil && key != "" {
		cacheFile = filepath.Join(dir, "pulumi-torq-sso", "langhost-node-version")
		if b, err := os.ReadFile(cacheFile); err == nil {
			if cachedKey, version, ok := strings.Cut(strings.TrimSpace(string(b)), "\n"); ok && cachedKey == key {
				return version, nil
			}
		}
	}

	out, err := exec.CommandContext(ctx, nodeBin, "--version").Output()
	if err != nil {
		return "", err
	}
	version := strings.TrimPrefix(strings.TrimSpace(string(out)), "v")
	if cacheFile != "" {
		// Written beside and renamed, so a concurrent reader sees the old answer or the new one.
		if os.MkdirAll(filepath.Dir(cacheFile), 0o755) == nil {
			if tmp, err := os.CreateTemp(filepath.Dir(cacheFile), ".langhost-node-version-*"); err == nil {
				_, werr := tmp.WriteString(key + "\n" + version + "\n")
				cerr := tmp.Close()
				if werr == nil && cerr == nil {
					_ = os.Rename(tmp.Name(), cacheFile)
				} else {
					_ = os.Remove(tmp.Name())
				}
			}
		}
	}
	return version, nil
}
