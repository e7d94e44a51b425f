// Command gosort_vectors prints test vectors for mountlab's port of Go's
// sort.Slice (src/gosort.rs): for each case, the keys and the permutation
// that sort.Slice(idx, keys[idx[i]] < keys[idx[j]]) leaves. Run it with the
// Go that builds the runsc being modelled (gVisor 3c5eee17: Go 1.26.3):
//
//	go run tests/tools/gosort_vectors.go > tests/fixtures/gosort-vectors.json
package main

import (
	"encoding/json"
	"os"
	"sort"
)

type vector struct {
	Name string `json:"name"`
	Keys []int  `json:"keys"`
	Perm []int  `json:"perm"`
}

// lcg is a fixed generator so the inputs need no seed file.
type lcg uint64

func (r *lcg) next(m int) int {
	*r = *r*6364136223846793005 + 1442695040888963407
	return int(uint64(*r>>33) % uint64(m))
}

func sorted(name string, keys []int) vector {
	idx := make([]int, len(keys))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(i, j int) bool { return keys[idx[i]] < keys[idx[j]] })
	return vector{name, keys, idx}
}

func main() {
	var out []vector
	r := lcg(1)
	for n := 0; n <= 80; n++ {
		for _, m := range []int{2, 3, 5, 20} {
			keys := make([]int, n)
			for i := range keys {
				keys[i] = r.next(m)
			}
			out = append(out, sorted("random", keys))
		}
	}
	patterns := map[string]func(i, n int) int{
		"ascending":  func(i, n int) int { return i / 3 },
		"descending": func(i, n int) int { return (n - i) / 3 },
		"equal":      func(i, n int) int { return 7 },
		"sawtooth":   func(i, n int) int { return i % 7 },
		"organpipe": func(i, n int) int {
			if i < n/2 {
				return i
			}
			return n - i
		},
		"mod4":    func(i, n int) int { return r.next(4) },
		"wide":    func(i, n int) int { return r.next(1000) },
		"pathlen": func(i, n int) int { return 4 + r.next(9) },
	}
	names := []string{"ascending", "descending", "equal", "sawtooth", "organpipe", "mod4", "wide", "pathlen"}
	for _, n := range []int{13, 14, 20, 49, 50, 51, 64, 100, 257, 1000} {
		for _, name := range names {
			keys := make([]int, n)
			for i := range keys {
				keys[i] = patterns[name](i, n)
			}
			out = append(out, sorted(name, keys))
		}
		// Mostly sorted: a few swapped neighbours (partialInsertionSort).
		keys := make([]int, n)
		for i := range keys {
			keys[i] = i
		}
		for s := 0; s < 3; s++ {
			i := r.next(n - 1)
			keys[i], keys[i+1] = keys[i+1], keys[i]
		}
		out = append(out, sorted("nearly", keys))
	}
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(out); err != nil {
		panic(err)
	}
}
