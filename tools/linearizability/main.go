// Command linearizability-check reads a history of reads, writes and compare-and-swaps on
// keys (JSON, from the file named by the first argument) and checks it with porcupine against
// a model of one register per key. Operations whose outcome the client never learned (a
// timeout, a 503, a dropped connection) may or may not have taken effect.
//
// Exit status: 0 linearizable, 1 not linearizable, 2 bad input, 3 the check timed out.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"time"

	"github.com/anishathalye/porcupine"
)

type operation struct {
	Client   int    `json:"client"`
	Op       string `json:"op"` // read, write or cas
	Key      string `json:"key"`
	Value    string `json:"value"`    // written value; for a read, the value seen
	Expected string `json:"expected"` // cas: the value it required
	Ok       bool   `json:"ok"`       // cas: whether it swapped
	Unknown  bool   `json:"unknown"`  // the outcome was never learned
	Call     int64  `json:"call"`
	Return   int64  `json:"return"`
}

type history struct {
	Operations []operation `json:"operations"`
}

type input struct {
	op, key, value, expected string
}

type output struct {
	value   string
	ok      bool
	unknown bool
}

var model = porcupine.NondeterministicModel{
	Partition: func(ops []porcupine.Operation) [][]porcupine.Operation {
		byKey := map[string][]porcupine.Operation{}
		var keys []string
		for _, op := range ops {
			key := op.Input.(input).key
			if _, seen := byKey[key]; !seen {
				keys = append(keys, key)
			}
			byKey[key] = append(byKey[key], op)
		}
		parts := make([][]porcupine.Operation, 0, len(keys))
		for _, key := range keys {
			parts = append(parts, byKey[key])
		}
		return parts
	},
	Init: func() []interface{} { return []interface{}{""} },
	Step: func(state, in, out interface{}) []interface{} {
		current := state.(string)
		i := in.(input)
		o := out.(output)
		switch i.op {
		case "read":
			if o.unknown || o.value == current {
				return []interface{}{current}
			}
			return nil
		case "write":
			if o.unknown {
				return []interface{}{current, i.value}
			}
			return []interface{}{i.value}
		case "cas":
			swapped := current
			if current == i.expected {
				swapped = i.value
			}
			if o.unknown {
				return []interface{}{current, swapped}
			}
			if o.ok && current == i.expected {
				return []interface{}{i.value}
			}
			if !o.ok && current != i.expected {
				return []interface{}{current}
			}
			return nil
		}
		return nil
	},
	Equal: func(a, b interface{}) bool { return a.(string) == b.(string) },
	DescribeOperation: func(in, out interface{}) string {
		i := in.(input)
		o := out.(output)
		result := ""
		switch {
		case o.unknown:
			result = "?"
		case i.op == "read":
			result = fmt.Sprintf("%q", o.value)
		case i.op == "cas":
			result = fmt.Sprintf("%v", o.ok)
		default:
			result = "ok"
		}
		return fmt.Sprintf("%s(%s, %q, %q) -> %s", i.op, i.key, i.expected, i.value, result)
	},
}

func main() {
	visualize := flag.String("visualize", "", "write an HTML visualization of the history here")
	timeout := flag.Duration("timeout", time.Minute, "give up after this long")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: linearizability-check [-visualize out.html] [-timeout 1m] history.json")
		os.Exit(2)
	}
	bytes, err := os.ReadFile(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var h history
	if err := json.Unmarshal(bytes, &h); err != nil {
		fmt.Fprintln(os.Stderr, "bad history:", err)
		os.Exit(2)
	}
	ops := make([]porcupine.Operation, 0, len(h.Operations))
	for _, op := range h.Operations {
		if op.Op != "read" && op.Op != "write" && op.Op != "cas" {
			fmt.Fprintf(os.Stderr, "bad history: unknown op %q\n", op.Op)
			os.Exit(2)
		}
		// A read whose answer never came says nothing.
		if op.Op == "read" && op.Unknown {
			continue
		}
		ret := op.Return
		if op.Unknown {
			ret = math.MaxInt64
		}
		ops = append(ops, porcupine.Operation{
			ClientId: op.Client,
			Input:    input{op: op.Op, key: op.Key, value: op.Value, expected: op.Expected},
			Call:     op.Call,
			Output:   output{value: op.Value, ok: op.Ok, unknown: op.Unknown},
			Return:   ret,
		})
	}
	m := model.ToModel()
	result, info := porcupine.CheckOperationsVerbose(m, ops, *timeout)
	if *visualize != "" && result != porcupine.Ok {
		if err := porcupine.VisualizePath(m, info, *visualize); err != nil {
			fmt.Fprintln(os.Stderr, "visualization:", err)
		}
	}
	names := map[porcupine.CheckResult]string{porcupine.Ok: "ok", porcupine.Illegal: "illegal", porcupine.Unknown: "unknown"}
	report, _ := json.Marshal(map[string]interface{}{"result": names[result], "operations": len(ops)})
	fmt.Println(string(report))
	switch result {
	case porcupine.Ok:
		os.Exit(0)
	case porcupine.Illegal:
		os.Exit(1)
	default:
		os.Exit(3)
	}
}
