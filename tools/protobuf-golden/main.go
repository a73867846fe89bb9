// Command protobuf-golden writes what kube-apiserver's serializers produce for each case in
// test/fixtures/protobuf/cases.json: the protobuf bytes of the object (or, for a watch event, of
// one frame of a protobuf watch) and the JSON of the same typed Go object. The TypeScript encoder
// is compared with these byte for byte. Run it only when cases.json changes, from this directory:
//
//	go run . ../../test/fixtures/protobuf
//
// The k8s.io module versions in go.mod match the schema Rudder fetches (build-tools/kubernetes-release.ts).
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	certificatesv1 "k8s.io/api/certificates/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	eventsv1 "k8s.io/api/events/v1"
	nodev1 "k8s.io/api/node/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	resourcev1 "k8s.io/api/resource/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1beta1 "k8s.io/apimachinery/pkg/apis/meta/v1beta1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer/protobuf"
)

type watchCase struct {
	Type   string          `json:"type"`
	Object json.RawMessage `json:"object"`
}

type testCase struct {
	Name   string          `json:"name"`
	Object json.RawMessage `json:"object,omitempty"`
	Watch  *watchCase      `json:"watch,omitempty"`
}

type golden struct {
	Name string `json:"name"`
	// Base64 of the bytes kube-apiserver writes.
	Protobuf string `json:"protobuf"`
	// Go's JSON for the same typed object (a watch event: {type, object}).
	JSON json.RawMessage `json:"json"`
}

func newScheme() *runtime.Scheme {
	scheme := runtime.NewScheme()
	adders := []func(*runtime.Scheme) error{
		corev1.AddToScheme, appsv1.AddToScheme, autoscalingv1.AddToScheme, coordinationv1.AddToScheme, discoveryv1.AddToScheme, eventsv1.AddToScheme,
		autoscalingv2.AddToScheme, batchv1.AddToScheme, policyv1.AddToScheme, schedulingv1.AddToScheme,
		rbacv1.AddToScheme, certificatesv1.AddToScheme, nodev1.AddToScheme, admissionregistrationv1.AddToScheme, resourcev1.AddToScheme,
		networkingv1.AddToScheme, storagev1.AddToScheme,
		metav1.AddMetaToScheme, metav1beta1.AddMetaToScheme,
	}
	for _, add := range adders {
		if err := add(scheme); err != nil {
			panic(err)
		}
	}
	return scheme
}

// typed reads a case's JSON into the Go type its apiVersion and kind name, as the apiserver would.
func typed(scheme *runtime.Scheme, raw json.RawMessage) (runtime.Object, error) {
	// RawExtension and FieldsV1 keep their JSON text as it arrives; the TypeScript side writes it compact.
	var compact bytes.Buffer
	if err := json.Compact(&compact, raw); err != nil {
		return nil, err
	}
	var meta metav1.TypeMeta
	if err := json.Unmarshal(compact.Bytes(), &meta); err != nil {
		return nil, err
	}
	gvk := schema.FromAPIVersionAndKind(meta.APIVersion, meta.Kind)
	obj, err := scheme.New(gvk)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(compact.Bytes(), obj); err != nil {
		return nil, err
	}
	obj.GetObjectKind().SetGroupVersionKind(gvk)
	return obj, nil
}

func generate(scheme *runtime.Scheme, c testCase) (golden, error) {
	// The same pair kube-apiserver's watch handler uses: enveloped objects, bare stream messages.
	objects := protobuf.NewSerializer(scheme, scheme)
	stream := protobuf.NewRawSerializer(scheme, scheme)
	out := golden{Name: c.Name}
	if c.Watch == nil {
		obj, err := typed(scheme, c.Object)
		if err != nil {
			return out, err
		}
		var buf bytes.Buffer
		if err := objects.Encode(obj, &buf); err != nil {
			return out, err
		}
		out.Protobuf = base64.StdEncoding.EncodeToString(buf.Bytes())
		out.JSON, err = json.Marshal(obj)
		return out, err
	}
	obj, err := typed(scheme, c.Watch.Object)
	if err != nil {
		return out, err
	}
	var embedded bytes.Buffer
	if err := objects.Encode(obj, &embedded); err != nil {
		return out, err
	}
	event := &metav1.WatchEvent{Type: c.Watch.Type, Object: runtime.RawExtension{Raw: embedded.Bytes()}}
	var message bytes.Buffer
	if err := stream.Encode(event, &message); err != nil {
		return out, err
	}
	var frame bytes.Buffer
	if _, err := protobuf.LengthDelimitedFramer.NewFrameWriter(&frame).Write(message.Bytes()); err != nil {
		return out, err
	}
	out.Protobuf = base64.StdEncoding.EncodeToString(frame.Bytes())
	objectJSON, err := json.Marshal(obj)
	if err != nil {
		return out, err
	}
	out.JSON, err = json.Marshal(struct {
		Type   string          `json:"type"`
		Object json.RawMessage `json:"object"`
	}{c.Watch.Type, objectJSON})
	return out, err
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: protobuf-golden <dir holding cases.json>")
		os.Exit(2)
	}
	dir := os.Args[1]
	input, err := os.ReadFile(filepath.Join(dir, "cases.json"))
	if err != nil {
		panic(err)
	}
	var cases []testCase
	if err := json.Unmarshal(input, &cases); err != nil {
		panic(err)
	}
	scheme := newScheme()
	goldens := make([]golden, 0, len(cases))
	for _, c := range cases {
		g, err := generate(scheme, c)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", c.Name, err)
			os.Exit(1)
		}
		goldens = append(goldens, g)
	}
	text, err := json.MarshalIndent(goldens, "", "  ")
	if err != nil {
		panic(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "golden.json"), append(text, '\n'), 0o644); err != nil {
		panic(err)
	}
	fmt.Printf("wrote %d golden cases to %s\n", len(goldens), filepath.Join(dir, "golden.json"))
}
