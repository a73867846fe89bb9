// sched-oracle runs kube-scheduler's default profile (the version this module requires) as a
// library over clusters given as JSON and prints, per node, each Filter plugin's verdict and
// reasons and each Score plugin's raw, normalized and weighted score.
//
// Input on stdin: one JSON object per line, {"nodes": [Node], "pods": [Pod], "pod": Pod},
// where "pods" are the pods already bound (spec.nodeName set). Output on stdout: one JSON
// object per input line, in the same order (see result below).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/tools/events"
	resourceslicetracker "k8s.io/dynamic-resource-allocation/resourceslice/tracker"
	"k8s.io/klog/v2"
	fwk "k8s.io/kube-scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/apis/config"
	"k8s.io/kubernetes/pkg/scheduler/apis/config/latest"
	"k8s.io/kubernetes/pkg/scheduler/backend/cache"
	"k8s.io/kubernetes/pkg/scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/framework/plugins"
	"k8s.io/kubernetes/pkg/scheduler/framework/plugins/dynamicresources"
	"k8s.io/kubernetes/pkg/scheduler/framework/plugins/nodevolumelimits"
	frameworkruntime "k8s.io/kubernetes/pkg/scheduler/framework/runtime"
	"k8s.io/kubernetes/pkg/scheduler/metrics"
	"k8s.io/kubernetes/pkg/scheduler/util/assumecache"
)

type input struct {
	Nodes []*v1.Node `json:"nodes"`
	Pods  []*v1.Pod  `json:"pods"`
	Pod   *v1.Pod    `json:"pod"`
}

type verdict struct {
	Plugin  string   `json:"plugin"`
	Code    string   `json:"code"`
	Reasons []string `json:"reasons,omitempty"`
}

type preFilterVerdict struct {
	verdict
	// NodeNames is the PreFilterResult's node set when the plugin narrowed the nodes.
	NodeNames []string `json:"nodeNames,omitempty"`
}

type nodeFilters struct {
	Node     string    `json:"node"`
	Feasible bool      `json:"feasible"`
	Filters  []verdict `json:"filters"`
}

type pluginScore struct {
	Plugin     string `json:"plugin"`
	Raw        int64  `json:"raw"`
	Normalized int64  `json:"normalized"`
	Weight     int32  `json:"weight"`
	Weighted   int64  `json:"weighted"`
}

type nodeScores struct {
	Node    string        `json:"node"`
	Plugins []pluginScore `json:"plugins"`
	Total   int64         `json:"total"`
}

type result struct {
	Version   string             `json:"version"`
	PreFilter []preFilterVerdict `json:"preFilter"`
	// Rejected is set when a PreFilter plugin rejected the pod outright (no Filter ran).
	Rejected bool          `json:"rejected"`
	Nodes    []nodeFilters `json:"nodes"`
	PreScore []verdict     `json:"preScore"`
	Scores   []nodeScores  `json:"scores"`
	Error    string        `json:"error,omitempty"`
}

// lister lets one framework serve every case: it points at the current case's snapshot.
type lister struct{ s *cache.Snapshot }

func (l *lister) NodeInfos() fwk.NodeInfoLister           { return l.s.NodeInfos() }
func (l *lister) StorageInfos() fwk.StorageInfoLister     { return l.s.StorageInfos() }
func (l *lister) PodGroupStates() fwk.PodGroupStateLister { return l.s.PodGroupStates() }

type scorePlugin struct {
	plugin fwk.ScorePlugin
	weight int32
}

type oracle struct {
	lister    *lister
	preFilter []fwk.PreFilterPlugin
	filter    []fwk.FilterPlugin
	preScore  []fwk.PreScorePlugin
	score     []scorePlugin
}

func verdictOf(plugin string, s *fwk.Status) verdict {
	v := verdict{Plugin: plugin, Code: s.Code().String()}
	if !s.IsSuccess() {
		v.Reasons = s.Reasons()
		if s.AsError() != nil && s.Code() == fwk.Error {
			v.Reasons = []string{s.AsError().Error()}
		}
	}
	return v
}

func newOracle(ctx context.Context) (*oracle, error) {
	// The framework records plugin metrics; they must exist even though nobody reads them.
	metrics.Register()
	cfg, err := latest.Default()
	if err != nil {
		return nil, err
	}
	profile := &cfg.Profiles[0]
	client := fake.NewClientset()
	informerFactory := informers.NewSharedInformerFactory(client, 0)
	l := &lister{s: cache.NewEmptySnapshot()}
	// DynamicResources needs the DRA manager kube-scheduler builds (no claims, slices or
	// classes exist here, so it only ever skips or passes).
	claims := assumecache.NewAssumeCache(klog.Background(), informerFactory.Resource().V1().ResourceClaims().Informer(), "ResourceClaim", "", nil)
	tracker, err := resourceslicetracker.StartTracker(ctx, resourceslicetracker.Options{SliceInformer: informerFactory.Resource().V1().ResourceSlices(), KubeClient: client})
	if err != nil {
		return nil, err
	}
	draManager := dynamicresources.NewDRAManager(ctx, claims, tracker, informerFactory)
	registry := plugins.NewInTreeRegistry()
	recorder := events.NewFakeRecorder(100)
	f, err := frameworkruntime.NewFramework(ctx, registry, profile,
		frameworkruntime.WithClientSet(client),
		frameworkruntime.WithInformerFactory(informerFactory),
		frameworkruntime.WithSnapshotSharedLister(l),
		frameworkruntime.WithSharedDRAManager(draManager),
		frameworkruntime.WithEventRecorder(recorder),
		frameworkruntime.WithSharedCSIManager(nodevolumelimits.NewCSIManager(informerFactory.Storage().V1().CSINodes().Lister())),
	)
	if err != nil {
		return nil, err
	}
	informerFactory.Start(ctx.Done())
	informerFactory.WaitForCacheSync(ctx.Done())
	// Plugin instances of our own, built from the same registry, args and handle as the
	// framework's, so each one can be asked on its own.
	args := map[string]runtime.Object{}
	for _, pc := range profile.PluginConfig {
		args[pc.Name] = pc.Args
	}
	instances := map[string]fwk.Plugin{}
	get := func(name string) (fwk.Plugin, error) {
		if p, ok := instances[name]; ok {
			return p, nil
		}
		factory, ok := registry[name]
		if !ok {
			return nil, fmt.Errorf("plugin %q not in the registry", name)
		}
		p, err := factory(ctx, args[name], f)
		if err != nil {
			return nil, fmt.Errorf("plugin %q: %w", name, err)
		}
		instances[name] = p
		return p, nil
	}
	o := &oracle{lister: l}
	list := f.ListPlugins()
	// Each extension point's plugins in the profile's order, as the framework runs them.
	points := []struct {
		set config.PluginSet
		add func(fwk.Plugin, int32)
	}{
		{list.PreFilter, func(p fwk.Plugin, _ int32) { o.preFilter = append(o.preFilter, p.(fwk.PreFilterPlugin)) }},
		{list.Filter, func(p fwk.Plugin, _ int32) { o.filter = append(o.filter, p.(fwk.FilterPlugin)) }},
		{list.PreScore, func(p fwk.Plugin, _ int32) { o.preScore = append(o.preScore, p.(fwk.PreScorePlugin)) }},
		{list.Score, func(p fwk.Plugin, w int32) {
			o.score = append(o.score, scorePlugin{plugin: p.(fwk.ScorePlugin), weight: w})
		}},
	}
	for _, point := range points {
		for _, e := range point.set.Enabled {
			p, err := get(e.Name)
			if err != nil {
				return nil, err
			}
			point.add(p, e.Weight)
		}
	}
	return o, nil
}

func (o *oracle) run(ctx context.Context, in *input) result {
	res := result{Version: version, PreFilter: []preFilterVerdict{}, Nodes: []nodeFilters{}, PreScore: []verdict{}, Scores: []nodeScores{}}
	snapshot := cache.NewSnapshot(in.Pods, in.Nodes)
	o.lister.s = snapshot
	nodes, err := snapshot.NodeInfos().List()
	if err != nil {
		res.Error = err.Error()
		return res
	}
	pod := in.Pod
	state := framework.NewCycleState()
	skipFilter := map[string]bool{}
	for _, p := range o.preFilter {
		r, s := p.PreFilter(ctx, state, pod, nodes)
		v := preFilterVerdict{verdict: verdictOf(p.Name(), s)}
		if r != nil && !r.AllNodes() {
			v.NodeNames = sets(r.NodeNames.UnsortedList())
		}
		res.PreFilter = append(res.PreFilter, v)
		switch {
		case s.IsSkip():
			skipFilter[p.Name()] = true
		case !s.IsSuccess():
			res.Rejected = true
		}
	}
	if res.Rejected {
		return res
	}
	var feasible []fwk.NodeInfo
	for _, n := range nodes {
		nf := nodeFilters{Node: n.Node().Name, Feasible: true, Filters: []verdict{}}
		for _, p := range o.filter {
			if skipFilter[p.Name()] {
				continue
			}
			s := p.Filter(ctx, state, pod, n)
			v := verdictOf(p.Name(), s)
			if !s.IsSuccess() {
				nf.Feasible = false
			}
			nf.Filters = append(nf.Filters, v)
		}
		// A PreFilterResult outside which the node falls rejects it too.
		for _, v := range res.PreFilter {
			if v.NodeNames != nil && !contains(v.NodeNames, nf.Node) {
				nf.Feasible = false
			}
		}
		if nf.Feasible {
			feasible = append(feasible, n)
		}
		res.Nodes = append(res.Nodes, nf)
	}
	if len(feasible) == 0 {
		return res
	}
	skipScore := map[string]bool{}
	for _, p := range o.preScore {
		s := p.PreScore(ctx, state, pod, feasible)
		res.PreScore = append(res.PreScore, verdictOf(p.Name(), s))
		if s.IsSkip() {
			skipScore[p.Name()] = true
		} else if !s.IsSuccess() {
			res.Error = fmt.Sprintf("PreScore %s: %v", p.Name(), s.AsError())
			return res
		}
	}
	scores := make([]nodeScores, len(feasible))
	for i, n := range feasible {
		scores[i] = nodeScores{Node: n.Node().Name, Plugins: []pluginScore{}}
	}
	for _, sp := range o.score {
		name := sp.plugin.Name()
		if skipScore[name] {
			continue
		}
		list := make(fwk.NodeScoreList, len(feasible))
		for i, n := range feasible {
			v, s := sp.plugin.Score(ctx, state, pod, n)
			if !s.IsSuccess() {
				res.Error = fmt.Sprintf("Score %s on %s: %v", name, n.Node().Name, s.AsError())
				return res
			}
			list[i] = fwk.NodeScore{Name: n.Node().Name, Score: v}
		}
		raw := make([]int64, len(list))
		for i := range list {
			raw[i] = list[i].Score
		}
		if ext := sp.plugin.ScoreExtensions(); ext != nil {
			if s := ext.NormalizeScore(ctx, state, pod, list); !s.IsSuccess() {
				res.Error = fmt.Sprintf("NormalizeScore %s: %v", name, s.AsError())
				return res
			}
		}
		for i := range list {
			w := list[i].Score * int64(sp.weight)
			scores[i].Plugins = append(scores[i].Plugins, pluginScore{Plugin: name, Raw: raw[i], Normalized: list[i].Score, Weight: sp.weight, Weighted: w})
			scores[i].Total += w
		}
	}
	res.Scores = scores
	return res
}

func sets(names []string) []string {
	sort.Strings(names)
	if names == nil {
		return []string{}
	}
	return names
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// version is set at link time to the Kubernetes release (see build.sh).
var version = "unknown"

// profileNames prints the default profile's plugins per extension point, for -plugins.
func profileNames(o *oracle) map[string][]string {
	out := map[string][]string{}
	for _, p := range o.preFilter {
		out["preFilter"] = append(out["preFilter"], p.Name())
	}
	for _, p := range o.filter {
		out["filter"] = append(out["filter"], p.Name())
	}
	for _, p := range o.preScore {
		out["preScore"] = append(out["preScore"], p.Name())
	}
	for _, p := range o.score {
		out["score"] = append(out["score"], fmt.Sprintf("%s=%d", p.plugin.Name(), p.weight))
	}
	return out
}

func main() {
	klog.SetOutput(os.Stderr)
	klog.LogToStderr(false)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o, err := newOracle(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sched-oracle:", err)
		os.Exit(1)
	}
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	if len(os.Args) > 1 && os.Args[1] == "-plugins" {
		_ = enc.Encode(map[string]any{"version": version, "plugins": profileNames(o)})
		return
	}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	for in.Scan() {
		var c input
		var res result
		if err := json.Unmarshal(in.Bytes(), &c); err != nil {
			res = result{Version: version, Error: "bad input: " + err.Error()}
		} else if c.Pod == nil {
			res = result{Version: version, Error: "bad input: no pod"}
		} else {
			res = o.run(ctx, &c)
		}
		if err := enc.Encode(res); err != nil {
			fmt.Fprintln(os.Stderr, "sched-oracle:", err)
			os.Exit(1)
		}
		// Each answer goes out at once: the caller writes one case and waits for it.
		if err := out.Flush(); err != nil {
			os.Exit(1)
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "sched-oracle:", err)
		os.Exit(1)
	}
}
