package gen

import (
	"math"
	"time"
)

// The plan fixes, before any event is built, which log files exist, their
// account, region, time window and event count, and the global number of
// each file's first event. Event k's content depends only on the seed, k and
// its file, so files can be built by any worker in any order.

// fileSpec is one CloudTrail log file (or, in the ndjson layout, one run of
// lines).
type fileSpec struct {
	acct, region int
	start, win   int64 // eventTime window [start, start+win), Unix seconds
	n            int   // unique events
	first        int64 // global index of the first event
	// prev, prevN: the files of the same account and region in the previous
	// window that has any (CloudTrail splits a busy window into several
	// files). Only the first file of a window has them; its records include
	// their re-deliveries, so a duplicate always lands in a later delivery.
	prev, prevN int
}

const fiveMinutes = 300

// fileWindow picks the file window when Config.FileWindow is zero:
// CloudTrail's 5 minutes when there is enough traffic, widened in 5-minute
// steps up to an hour while files would average fewer than minPerFile events
// (tens of thousands of two-event files make every consumer slow without
// making the data more realistic).
func fileWindow(events int64, days, accounts int) int64 {
	cells := float64(days*288) * float64(accounts) * float64(len(regions))
	for _, k := range []int64{1, 2, 3, 4, 6, 12} {
		if float64(events)/(cells/float64(k)) >= minPerFile {
			return k * fiveMinutes
		}
	}
	return 12 * fiveMinutes
}

const minPerFile = 16

// diurnal is the relative activity at Unix second t: a business-hours peak
// around 15:00 UTC, a smaller APAC bump, and quieter weekends.
func diurnal(t int64) float64 {
	h := float64(t%86400) / 3600
	w := 0.25 + math.Exp(-(h-15)*(h-15)/(2*16)) + 0.35*math.Exp(-(h-3)*(h-3)/(2*9))
	if wd := (t/86400 + 4) % 7; wd == 0 || wd == 6 { // 1970-01-01 was a Thursday
		w *= 0.55
	}
	return w
}

// apportion splits total into len(w) integer parts proportional to w by
// systematic sampling with offset u in [0, 1): part i is the number of
// integers in (C[i-1]+u, C[i]+u] where C is the running expected count. The
// parts sum to total exactly and each is within 1 of its expectation, yet a
// small weight still gets its fair chance of an event (largest-remainder
// rounding would give every sparse slot's event to the heaviest cell).
func apportion(total int64, w []float64, u float64) []int64 {
	out := make([]int64, len(w))
	var sum float64
	for _, x := range w {
		sum += x
	}
	if total == 0 || sum == 0 {
		return out
	}
	var acc float64
	prev := int64(math.Floor(u))
	for i, x := range w {
		acc += x
		c := float64(total) * acc / sum
		if i == len(w)-1 {
			c = float64(total)
		}
		cur := int64(math.Floor(c + u))
		out[i] = cur - prev
		prev = cur
	}
	return out
}

func buildPlan(cfg Config, r *rng) []fileSpec {
	win := int64(cfg.FileWindow / time.Second)
	if win == 0 {
		win = fileWindow(cfg.Events, cfg.Days, cfg.Accounts)
	}
	start := cfg.Start.Unix()
	span := int64(cfg.Days) * 86400
	slots := int((span + win - 1) / win)
	sw := make([]float64, slots)
	for i := range sw {
		t := start + int64(i)*win + win/2
		sw[i] = diurnal(t) * (0.8 + 0.4*r.float())
	}
	perSlot := apportion(cfg.Events, sw, r.float())

	aw := zipfWeights(cfg.Accounts, 0.8, 1)
	cells := make([]float64, cfg.Accounts*len(regions))
	var files []fileSpec
	type group struct{ first, n int }
	last := make([]group, len(cells))
	for i := range last {
		last[i] = group{-1, 0}
	}
	var first int64
	for s, n := range perSlot {
		for a := range aw {
			for ri, reg := range regions {
				cells[a*len(regions)+ri] = aw[a] * reg.weight * (0.7 + 0.6*r.float())
			}
		}
		if n == 0 {
			continue
		}
		slotStart := start + int64(s)*win
		slotWin := min(win, start+span-slotStart)
		for c, cn := range apportion(n, cells, r.float()) {
			if cn == 0 {
				continue
			}
			g := group{first: len(files)}
			for cn > 0 {
				chunks := (cn + int64(cfg.MaxPerFile) - 1) / int64(cfg.MaxPerFile)
				k := (cn + chunks - 1) / chunks
				f := fileSpec{acct: c / len(regions), region: c % len(regions), start: slotStart, win: slotWin,
					n: int(k), first: first, prev: -1}
				if g.n == 0 {
					f.prev, f.prevN = last[c].first, last[c].n
				}
				files = append(files, f)
				g.n++
				first += k
				cn -= k
			}
			last[c] = g
		}
	}
	return files
}

// stamp is the file's delivery time as its name shows it: the end of its
// window, on CloudTrail's 5-minute grid.
func (f *fileSpec) stamp() int64 {
	end := f.start + f.win
	return (end + fiveMinutes - 1) / fiveMinutes * fiveMinutes
}
