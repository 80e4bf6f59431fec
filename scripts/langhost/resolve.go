package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// sdkPackage is the npm package whose entry points the host starts.
const sdkPackage = "@pulumi/pulumi"

// findInNodeModules returns the file Node's require.resolve would find for subpath (e.g.
// "cmd/run") of sdkPackage from dir, without starting node: the nearest
// node_modules/@pulumi/pulumi/package.json above dir, then <subpath>.js or <subpath>/index.js
// in that package. It answers "" when Node might decide otherwise — no such package, or a
// package.json with an "exports" map, which then governs — so the caller can ask node.
func findInNodeModules(dir, subpath string) string {
	for d := dir; ; {
		// Node does not look in node_modules/node_modules.
		if filepath.Base(d) != "node_modules" {
			pkg := filepath.Join(d, "node_modules", filepath.FromSlash(sdkPackage))
			if manifest, err := os.ReadFile(filepath.Join(pkg, "package.json")); err == nil {
				var fields map[string]json.RawMessage
				if json.Unmarshal(manifest, &fields) != nil {
					return ""
				}
				if _, hasExports := fields["exports"]; hasExports {
					return ""
				}
				base := filepath.Join(pkg, filepath.FromSlash(subpath))
				for _, candidate := range []string{base + ".js", filepath.Join(base, "index.js")} {
					if info, err := os.Stat(candidate); err == nil && info.Mode().IsRegular() {
						return candidate
					}
				}
				return ""
			}
		}
		parent := filepath.Dir(d)
		if parent == d {
			return ""
		}
		d = parent
	}
}

// resolveRunScript finds @pulumi/pulumi/cmd/run as Node would from the program directory: in
// the nearest node_modules, and only when that cannot decide it by asking node itself.
func resolveRunScript(ctx context.Context, nodeBin, dir string) (string, error) {
	if p := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH"); p != "" {
		return p, nil
	}
	if p := findInNodeModules(dir, "cmd/run"); p != "" {
		return p, nil
	}
	cmd := exec.CommandContext(ctx, nodeBin, "-e", "console.log(require.resolve(process.argv[1]))", runModule)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if out, err := cmd.Output(); err == nil {
		if p := strings.TrimSpace(string(out)); p != "" {
			return p, nil
		}
	}
	return "", fmt.Errorf("could not find the Pulumi Node.js SDK (%s) from %s. "+
		"It looks like the Pulumi SDK has not been installed. Have you run npm install?", runModule, dir)
}
