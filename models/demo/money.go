package demo

import (
	"cmp"
	"math"
	"slices"
)

// allocate splits total units in proportion to weights without going over caps (water-filling: a
// share that would pass its cap is held at it and the rest is shared again), each share at least one
// unit, summing exactly. When the caps cannot hold the total they are all raised by a quarter.
func allocate(total int, weights, caps []float64) []int {
	n := len(weights)
	share := make([]float64, n)
	for {
		fixed := make([]bool, n)
		left := float64(total)
		for {
			sum := 0.0
			for i, w := range weights {
				if !fixed[i] {
					sum += w
				}
			}
			if sum == 0 {
				break
			}
			over := false
			for i, w := range weights {
				if x := left * w / sum; !fixed[i] && x > caps[i] {
					share[i], fixed[i], over = caps[i], true, true
					left -= caps[i]
				}
			}
			if !over {
				for i, w := range weights {
					if !fixed[i] {
						share[i] = left * w / sum
					}
				}
				left = 0
				break
			}
		}
		if left < 0.5 {
			break
		}
		for i := range caps {
			caps[i] *= 1.25
		}
	}
	// Whole units by largest remainder.
	out := make([]int, n)
	order := make([]int, n)
	given := 0
	for i, x := range share {
		out[i], order[i] = int(x), i
		given += out[i]
	}
	frac := func(i int) float64 { return share[i] - float64(out[i]) }
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(frac(b), frac(a)) })
	for k := 0; given < total; k++ {
		out[order[k%n]]++
		given++
	}
	for i := range out {
		for out[i] < 1 {
			big := 0
			for j := range out {
				if out[j] > out[big] {
					big = j
				}
			}
			out[big]--
			out[i]++
		}
	}
	return out
}

// roundTo rounds n to a multiple of unit.
func roundTo(n, unit int64) int64 { return int64(math.Round(float64(n)/float64(unit))) * unit }
