// Command client-go-protobuf drives a Rudder apiserver with client-go's typed clientset speaking
// protobuf (rest config ContentType application/vnd.kubernetes.protobuf, as kube-controller-manager
// sets it; Accept protobuf only, so an answer in JSON is caught). For every kind in the input file
// it creates the sample object, gets it, lists it, watches it while updating it (the watch must
// deliver the update), and deletes it, then prints one JSON line per kind:
//
//	{"group":"apps","version":"v1","kind":"Deployment","ok":true,"steps":{"create":"","get":"",...},"nonProtobuf":[]}
//
// A step's value is "" when it passed, the error otherwise. Usage:
//
//	client-go-protobuf KUBECONFIG CASES.json
//
// CASES.json: [{"group","version","kind","namespace","object"}]. The k8s.io module versions match
// tools/protobuf-golden's.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"reflect"
	"strings"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

const protobuf = "application/vnd.kubernetes.protobuf"

type kindCase struct {
	Group     string          `json:"group"`
	Version   string          `json:"version"`
	Kind      string          `json:"kind"`
	Namespace string          `json:"namespace"`
	Object    json.RawMessage `json:"object"`
}

type result struct {
	Group       string            `json:"group"`
	Version     string            `json:"version"`
	Kind        string            `json:"kind"`
	OK          bool              `json:"ok"`
	Steps       map[string]string `json:"steps"`
	NonProtobuf []string          `json:"nonProtobuf"`
}

// contentTypes records the Content-Type of every answer, by request path.
type contentTypes struct {
	mu   sync.Mutex
	seen []string
	next http.RoundTripper
}

func (c *contentTypes) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := c.next.RoundTrip(req)
	if err == nil {
		ct := res.Header.Get("Content-Type")
		if !strings.HasPrefix(ct, protobuf) {
			c.mu.Lock()
			c.seen = append(c.seen, fmt.Sprintf("%s %s -> %d %s", req.Method, req.URL.Path, res.StatusCode, ct))
			c.mu.Unlock()
		}
	}
	return res, err
}

func (c *contentTypes) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.seen
	c.seen = nil
	if out == nil {
		out = []string{}
	}
	return out
}

// groupMethod is the clientset's method for a group version: "apps", "v1" -> "AppsV1".
func groupMethod(group, version string) string {
	name := "core"
	if group != "" {
		name = strings.Split(group, ".")[0]
	}
	return strings.ToUpper(name[:1]) + name[1:] + strings.ToUpper(version[:1]) + version[1:]
}

// resourceClient finds the typed client of a kind on its group client: Pods(ns), StorageClasses().
func resourceClient(groupClient reflect.Value, kind, namespace string) (reflect.Value, error) {
	candidates := []string{kind + "s", kind + "es", kind}
	if strings.HasSuffix(kind, "y") {
		candidates = append([]string{kind[:len(kind)-1] + "ies"}, candidates...)
	}
	for _, name := range candidates {
		m := groupClient.MethodByName(name)
		if !m.IsValid() {
			continue
		}
		if m.Type().NumIn() == 1 {
			return m.Call([]reflect.Value{reflect.ValueOf(namespace)})[0], nil
		}
		return m.Call(nil)[0], nil
	}
	return reflect.Value{}, fmt.Errorf("no typed client for %s", kind)
}

func call(client reflect.Value, method string, args ...interface{}) ([]reflect.Value, error) {
	in := make([]reflect.Value, len(args))
	for i, a := range args {
		in[i] = reflect.ValueOf(a)
	}
	out := client.MethodByName(method).Call(in)
	if errV := out[len(out)-1]; !errV.IsNil() {
		return out, errV.Interface().(error)
	}
	return out, nil
}

func meta(obj reflect.Value) metav1.Object {
	return obj.Interface().(metav1.Object)
}

func run(cs *kubernetes.Clientset, c kindCase) map[string]string {
	steps := map[string]string{}
	fail := func(step string, err error) map[string]string {
		steps[step] = err.Error()
		return steps
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	groupClient := reflect.ValueOf(cs).MethodByName(groupMethod(c.Group, c.Version))
	if !groupClient.IsValid() {
		return fail("create", fmt.Errorf("no clientset method %s", groupMethod(c.Group, c.Version)))
	}
	client, err := resourceClient(groupClient.Call(nil)[0], c.Kind, c.Namespace)
	if err != nil {
		return fail("create", err)
	}
	objType := client.MethodByName("Create").Type().In(1).Elem()
	sample := reflect.New(objType)
	if err := json.Unmarshal(c.Object, sample.Interface()); err != nil {
		return fail("create", fmt.Errorf("sample: %w", err))
	}
	name := meta(sample).GetName()

	out, err := call(client, "Create", ctx, sample.Interface(), metav1.CreateOptions{})
	if err != nil {
		return fail("create", err)
	}
	created := out[0]
	if meta(created).GetUID() == "" || meta(created).GetName() != name {
		return fail("create", fmt.Errorf("answer has name %q uid %q", meta(created).GetName(), meta(created).GetUID()))
	}
	steps["create"] = ""

	out, err = call(client, "Get", ctx, name, metav1.GetOptions{})
	if err != nil {
		return fail("get", err)
	}
	if meta(out[0]).GetUID() != meta(created).GetUID() {
		return fail("get", fmt.Errorf("uid %q, created %q", meta(out[0]).GetUID(), meta(created).GetUID()))
	}
	steps["get"] = ""

	out, err = call(client, "List", ctx, metav1.ListOptions{})
	if err != nil {
		return fail("list", err)
	}
	items := out[0].Elem().FieldByName("Items")
	found := false
	for i := 0; i < items.Len(); i++ {
		if meta(items.Index(i).Addr()).GetName() == name {
			found = true
		}
	}
	listRV := out[0].Interface().(metav1.ListInterface).GetResourceVersion()
	if !found || listRV == "" {
		return fail("list", fmt.Errorf("%d items, ours found %v, resourceVersion %q", items.Len(), found, listRV))
	}
	steps["list"] = ""

	out, err = call(client, "Watch", ctx, metav1.ListOptions{ResourceVersion: listRV, FieldSelector: "metadata.name=" + name})
	if err != nil {
		return fail("watch", err)
	}
	w := out[0].Interface().(watch.Interface)
	defer w.Stop()

	out, err = call(client, "Get", ctx, name, metav1.GetOptions{})
	if err != nil {
		return fail("update", err)
	}
	current := out[0]
	labels := meta(current).GetLabels()
	if labels == nil {
		labels = map[string]string{}
	}
	labels["client-go-protobuf"] = "updated"
	meta(current).SetLabels(labels)
	out, err = call(client, "Update", ctx, current.Interface(), metav1.UpdateOptions{})
	if err != nil {
		return fail("update", err)
	}
	if meta(out[0]).GetLabels()["client-go-protobuf"] != "updated" {
		return fail("update", fmt.Errorf("the answer lacks the new label"))
	}
	steps["update"] = ""

	timeout := time.After(15 * time.Second)
	for steps["watch"] == "" {
		select {
		case ev, open := <-w.ResultChan():
			if !open {
				return fail("watch", fmt.Errorf("the watch closed before the update"))
			}
			if ev.Type == watch.Error {
				return fail("watch", fmt.Errorf("error event: %v", ev.Object))
			}
			if reflect.TypeOf(ev.Object) != sample.Type() {
				return fail("watch", fmt.Errorf("event object is %T, want %v", ev.Object, sample.Type()))
			}
			if ev.Type == watch.Modified && ev.Object.(metav1.Object).GetLabels()["client-go-protobuf"] == "updated" {
				steps["watch"] = "ok"
			}
		case <-timeout:
			return fail("watch", fmt.Errorf("no MODIFIED event with the update within 15 s"))
		}
	}
	steps["watch"] = ""

	if _, err := call(client, "Delete", ctx, name, metav1.DeleteOptions{}); err != nil {
		return fail("delete", err)
	}
	steps["delete"] = ""
	return steps
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: client-go-protobuf KUBECONFIG CASES.json")
		os.Exit(2)
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", os.Args[1])
	if err != nil {
		panic(err)
	}
	cfg.ContentType = protobuf
	cfg.AcceptContentTypes = protobuf
	recorder := &contentTypes{}
	cfg.WrapTransport = func(rt http.RoundTripper) http.RoundTripper {
		recorder.next = rt
		return recorder
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		panic(err)
	}
	raw, err := os.ReadFile(os.Args[2])
	if err != nil {
		panic(err)
	}
	var cases []kindCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		panic(err)
	}
	enc := json.NewEncoder(os.Stdout)
	for _, c := range cases {
		steps := run(cs, c)
		ok := true
		for _, step := range []string{"create", "get", "list", "watch", "update", "delete"} {
			if msg, done := steps[step]; !done || msg != "" {
				ok = false
				if !done {
					steps[step] = "not reached"
				}
			}
		}
		r := result{Group: c.Group, Version: c.Version, Kind: c.Kind, Steps: steps, NonProtobuf: recorder.take()}
		r.OK = ok && len(r.NonProtobuf) == 0
		if err := enc.Encode(r); err != nil {
			panic(err)
		}
	}
}
