// Command pulumi-language-nodejs is a small stand-in for Pulumi's Node.js
// language host plugin.
//
// The Pulumi engine starts a language host as a child process, passing the
// engine's gRPC address as the last positional argument. The host serves the
// pulumirpc.LanguageRuntime gRPC service on a free loopback port and prints
// that port on the first line of stdout. For `Run`, it spawns `node` on the
// `@pulumi/pulumi/cmd/run` entry point of the program's own @pulumi/pulumi
// package (found in the nearest node_modules, without starting node to ask),
// passing the run settings as flags and environment variables, and waits for
// the program to finish. If the engine goes away (say `pulumi` is killed), the
// host kills the program and exits rather than outlive it.
//
// This exists because the official host (the Go module
// github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) has no
// version tags and cannot be fetched from the module proxy available to this
// project. It implements what `pulumi preview/up/refresh/destroy` need for a
// JavaScript or TypeScript program; code generation, packing, linking and
// dependency installation are not supported.
package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// version is reported by GetPluginInfo; set at build time with
// -ldflags "-X main.version=X.Y.Z".
var version = "3.0.0"

// runModule is the module (resolved from the program directory) that runs a
// Pulumi Node.js program.
const runModule = "@pulumi/pulumi/cmd/run"

// exitCodeAlreadyReported is the exit code @pulumi/pulumi's run script uses
// when it has already shown the user an error message.
const exitCodeAlreadyReported = 32

type options struct {
	engineAddress string
	tracing       string
}

// parseArgs accepts the flags the engine may pass to any plugin
// (--logtostderr, -v=N, --tracing URL) plus those of the official host, and
// returns the first positional argument as the engine address.
func parseArgs(args []string) options {
	var o options
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			if i+1 < len(args) && o.engineAddress == "" {
				o.engineAddress = args[i+1]
			}
			break
		}
		if !strings.HasPrefix(a, "-") {
			if o.engineAddress == "" {
				o.engineAddress = a
			}
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch name {
		case "tracing", "root", "binary", "name":
			if !hasValue && i+1 < len(args) {
				i++
				value = args[i]
			}
			if name == "tracing" {
				o.tracing = value
			}
		}
		// Anything else (--logtostderr, -v=N, -typescript=...) is ignored.
	}
	return o
}

func main() {
	opts := parseArgs(os.Args[1:])

	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: could not listen: %v\n", err)
		os.Exit(1)
	}
	srv := grpc.NewServer(grpc.MaxRecvMsgSize(400 * 1024 * 1024))
	h := &host{opts: opts}
	pulumirpc.RegisterLanguageRuntimeServer(srv, h)
	// A killed engine must not leave the program (or this host) running.
	watchEngine(opts.engineAddress, h.stopWithEngine)

	// The engine reads the port from the first line of our stdout.
	fmt.Printf("%d\n", lis.Addr().(*net.TCPAddr).Port)

	if err := srv.Serve(lis); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: stopped serving: %v\n", err)
		os.Exit(1)
	}
}

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	opts options

	mu      sync.Mutex
	running map[*exec.Cmd]struct{}
}

func (h *host) Handshake(
	ctx context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	if req.GetEngineAddress() != "" {
		h.opts.engineAddress = req.GetEngineAddress()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (h *host) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for cmd := range h.running {
		if cmd.Process != nil {
			_ = cmd.Process.Signal(syscall.SIGINT)
		}
	}
	return &emptypb.Empty{}, nil
}

// programDir returns the directory holding the program's package.json.
func programDir(info *pulumirpc.ProgramInfo, fallback string) string {
	if info != nil && info.GetProgramDirectory() != "" {
		return info.GetProgramDirectory()
	}
	if fallback != "" {
		return fallback
	}
	wd, _ := os.Getwd()
	return wd
}

// packageJSON holds the parts of a package.json that name a resource plugin.
type packageJSON struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Pulumi  struct {
		Resource         bool   `json:"resource"`
		Name             string `json:"name"`
		Version          string `json:"version"`
		Server           string `json:"server"`
		Parameterization *struct {
			Name    string `json:"name"`
			Version string `json:"version"`
			Value   string `json:"value"` // base64
		} `json:"parameterization"`
	} `json:"pulumi"`
}

// requiredPackages lists the resource plugins declared by the packages
// installed directly under <dir>/node_modules (including scoped packages).
// Plugins bundled with the engine (such as the dynamic provider) are not
// listed by any package and are found on PATH or next to `pulumi`.
func requiredPackages(dir string) []*pulumirpc.PackageDependency {
	var manifests []string
	nm := filepath.Join(dir, "node_modules")
	entries, _ := os.ReadDir(nm)
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		if strings.HasPrefix(name, "@") {
			scoped, _ := os.ReadDir(filepath.Join(nm, name))
			for _, s := range scoped {
				manifests = append(manifests, filepath.Join(nm, name, s.Name(), "package.json"))
			}
			continue
		}
		manifests = append(manifests, filepath.Join(nm, name, "package.json"))
	}
	sort.Strings(manifests)

	var deps []*pulumirpc.PackageDependency
	for _, m := range manifests {
		b, err := os.ReadFile(m)
		if err != nil {
			continue
		}
		var p packageJSON
		if json.Unmarshal(b, &p) != nil || !p.Pulumi.Resource {
			continue
		}
		name := p.Pulumi.Name
		if name == "" {
			name = strings.TrimPrefix(strings.TrimPrefix(p.Name, "@pulumi/"), "@")
		}
		ver := p.Pulumi.Version
		if ver == "" {
			ver = p.Version
		}
		if name == "" || ver == "" {
			continue
		}
		if !strings.HasPrefix(ver, "v") {
			ver = "v" + ver
		}
		dep := &pulumirpc.PackageDependency{
			Name: name, Kind: "resource", Version: ver, Server: p.Pulumi.Server,
		}
		if pp := p.Pulumi.Parameterization; pp != nil {
			value, err := base64.StdEncoding.DecodeString(pp.Value)
			if err != nil {
				continue
			}
			dep.Parameterization = &pulumirpc.PackageParameterization{
				Name: pp.Name, Version: pp.Version, Value: value,
			}
		}
		deps = append(deps, dep)
	}
	return deps
}

func (h *host) GetRequiredPackages(
	ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	dir := programDir(req.GetInfo(), "")
	return &pulumirpc.GetRequiredPackagesResponse{Packages: requiredPackages(dir)}, nil
}

func (h *host) GetRequiredPlugins(
	ctx context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	dir := programDir(req.GetInfo(), req.GetProgram()) //nolint:staticcheck
	var plugins []*pulumirpc.PluginDependency
	for _, p := range requiredPackages(dir) {
		if p.Parameterization != nil {
			continue
		}
		plugins = append(plugins, &pulumirpc.PluginDependency{
			Name: p.Name, Kind: p.Kind, Version: p.Version, Server: p.Server,
		})
	}
	return &pulumirpc.GetRequiredPluginsResponse{Plugins: plugins}, nil
}

func (h *host) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest,
	stream grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse],
) error {
	// Dependencies are installed by the project's own tooling (npm).
	return nil
}

func (h *host) GetProgramDependencies(
	ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	return &pulumirpc.GetProgramDependenciesResponse{}, nil
}

func (h *host) RuntimeOptionsPrompts(
	ctx context.Context, req *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

func (h *host) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return nil, status.Errorf(codes.FailedPrecondition, "could not find node on the $PATH: %v", err)
	}
	version, err := nodeVersion(ctx, nodeBin)
	if err != nil {
		return nil, status.Errorf(codes.Internal, "running node --version: %v", err)
	}
	return &pulumirpc.AboutResponse{Executable: nodeBin, Version: version}, nil
}

// runtimeOptions reads the `runtime.options` of Pulumi.yaml that matter here.
type runtimeOptions struct {
	typescript bool
	tsconfig   string
	nodeargs   []string
}

func parseRuntimeOptions(s *structpb.Struct) runtimeOptions {
	o := runtimeOptions{typescript: true}
	if s == nil {
		return o
	}
	m := s.AsMap()
	if v, ok := m["typescript"].(bool); ok {
		o.typescript = v
	}
	if v, ok := m["tsconfig"].(string); ok {
		o.tsconfig = v
	}
	if v, ok := m["nodeargs"].(string); ok {
		o.nodeargs = strings.Fields(v)
	}
	return o
}

// programNodeFlags are the flags the program's node starts with before the project's own nodeargs.
// @pulumi/pulumi turns on V8's --allow-natives-syntax at run time when it serializes a function (every
// dynamic resource), and a V8 flag changed mid-run changes the flag hash V8 stamps on code caches: the
// NODE_COMPILE_CACHE entries that program writes are then rejected by every process that started
// without the flag, which rewrites them, and so on (366 entries rejected and rewritten on every
// dynamic-provider preview, `NODE_DEBUG_NATIVE=COMPILE_CACHE`). Started with the flag, the program's
// hash never changes, and its entries live in a cache folder of their own.
func programNodeFlags(nodeargs []string) []string {
	for _, arg := range nodeargs {
		if arg == "--allow-natives-syntax" {
			return nil
		}
	}
	return []string{"--allow-natives-syntax"}
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	if req.GetAttachDebugger() {
		return nil, status.Error(codes.Unimplemented, "attaching a debugger is not supported by this language host")
	}
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not find node on the $PATH: %v", err)}, nil
	}

	info := req.GetInfo()
	dir := programDir(info, req.GetPwd())
	rt := parseRuntimeOptions(info.GetOptions())

	runScript, err := resolveRunScript(ctx, nodeBin, dir)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	args := append(programNodeFlags(rt.nodeargs), rt.nodeargs...)
	args = append(args, runScript)
	flag := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name+"="+value)
		}
	}
	flag("monitor", req.GetMonitorAddress())
	flag("engine", h.opts.engineAddress)
	flag("organization", req.GetOrganization())
	flag("project", req.GetProject())
	flag("stack", req.GetStack())
	flag("pwd", req.GetPwd())
	if info != nil {
		flag("root-directory", info.GetRootDirectory())
	}
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	flag("parallel", strconv.Itoa(int(req.GetParallel())))
	flag("tracing", h.opts.tracing)

	program := "."
	if info != nil && info.GetEntryPoint() != "" {
		program = info.GetEntryPoint()
	} else if p := req.GetProgram(); p != "" { //nolint:staticcheck
		program = p
	}
	args = append(args, program)
	args = append(args, req.GetArgs()...)

	config := req.GetConfig()
	if config == nil {
		config = map[string]string{}
	}
	configJSON, err := json.Marshal(config)
	if err != nil {
		return nil, fmt.Errorf("serializing config: %w", err)
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretKeysJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, fmt.Errorf("serializing config secret keys: %w", err)
	}

	env := os.Environ()
	env = append(env,
		"PULUMI_CONFIG="+string(configJSON),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON),
	)
	if rt.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if rt.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+rt.tsconfig)
	}

	cmd := exec.Command(nodeBin, args...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr

	if err := cmd.Start(); err != nil {
		return &pulumirpc.RunResponse{
			Error: fmt.Sprintf("Problem executing program (could not run language executor): %v", err),
		}, nil
	}
	h.mu.Lock()
	if h.running == nil {
		h.running = map[*exec.Cmd]struct{}{}
	}
	h.running[cmd] = struct{}{}
	h.mu.Unlock()
	err = cmd.Wait()
	h.mu.Lock()
	delete(h.running, cmd)
	h.mu.Unlock()

	if err == nil {
		return &pulumirpc.RunResponse{}, nil
	}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok {
			switch {
			case ws.Exited() && ws.ExitStatus() == exitCodeAlreadyReported:
				// The program already printed a message the user can act on.
				return &pulumirpc.RunResponse{Bail: true}, nil
			case ws.Exited():
				return &pulumirpc.RunResponse{
					Error: fmt.Sprintf("Program exited with non-zero exit code: %d", ws.ExitStatus()),
				}, nil
			case ws.Signaled():
				return &pulumirpc.RunResponse{
					Error: fmt.Sprintf("Program exited due to signal: %v", ws.Signal()),
				}, nil
			}
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited unexpectedly: %v", exitErr)}, nil
	}
	return &pulumirpc.RunResponse{
		Error: fmt.Sprintf("Problem executing program (could not run language executor): %v", err),
	}, nil
}
