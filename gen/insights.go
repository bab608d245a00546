package gen

import "strconv"

// CloudTrail Insights events come in pairs: a Start when an API's call or
// error rate departs from its baseline and an End when it returns, sharing
// sharedEventID, the API and the attributions. The plan places the pairs:
// about one Insights event per insightEvery events, the End a few files
// after the Start in the same account and region.

const insightEvery = 4000

// insightRole marks a global event index that is one half of a pair.
type insightRole struct {
	pair  uint64 // seed of the fields both halves share
	start bool
	dur   int64 // insightDuration, minutes
}

func planInsights(files []fileSpec, events int64, r *rng) map[int64]insightRole {
	m := map[int64]insightRole{}
	pairs := int(events / (2 * insightEvery))
	if pairs == 0 && events >= 1000 {
		pairs = 1
	}
	if pairs == 0 || len(files) == 0 {
		return m
	}
	next := make([]int, len(files)) // next file of the same account and region
	last := map[[2]int]int{}
	for i, f := range files {
		next[i] = -1
		k := [2]int{f.acct, f.region}
		if p, ok := last[k]; ok {
			next[p] = i
		}
		last[k] = i
	}
	for p := 0; p < pairs; p++ {
		for try := 0; try < 20; try++ {
			fs := r.intn(len(files))
			fe := fs
			for steps := 1 + r.intn(6); steps > 0 && next[fe] >= 0; steps-- {
				fe = next[fe]
			}
			ks := files[fs].first + int64(r.intn(files[fs].n))
			ke := files[fe].first + int64(r.intn(files[fe].n))
			_, usedS := m[ks]
			_, usedE := m[ke]
			if fe == fs || usedS || usedE {
				continue
			}
			dur := max(1, (files[fe].start-files[fs].start)/60)
			seed := r.next()
			m[ks] = insightRole{pair: seed, start: true, dur: dur}
			m[ke] = insightRole{pair: seed, start: false, dur: dur}
			break
		}
	}
	return m
}

// appendInsight writes one half of an Insights pair: no userIdentity or
// top-level eventSource/eventName; the API it is about sits in insightDetails.
// Fields the halves share come from the pair's own generator.
func (w *world) appendInsight(dst []byte, e *ev, in insightRole) []byte {
	a := e.a
	r := &rng{s: in.pair}
	var o *op
	for i := 0; i < 16; i++ { // Insights watch management APIs only
		o = w.cat.regOps[e.ri][w.cat.samples[e.ri].pick(r)]
		if !o.data {
			break
		}
	}
	errRate := r.chance(0.35)
	dst = append(dst, `{"eventVersion":"1.08","eventTime":"`...)
	dst = appendISO(dst, e.t-e.t%60)
	dst = append(dst, `",`...)
	dst = appendKV(dst, "awsRegion", e.region)
	dst = append(dst, `"eventID":"`...)
	dst = appendUUID(dst, &e.r)
	dst = append(dst, `","eventType":"AwsCloudTrailInsight",`...)
	dst = appendKV(dst, "recipientAccountId", a.id)
	dst = append(dst, `"sharedEventID":"`...)
	dst = appendUUID(dst, r)
	dst = append(dst, `","insightDetails":{`...)
	if in.start {
		dst = append(dst, `"state":"Start",`...)
	} else {
		dst = append(dst, `"state":"End",`...)
	}
	dst = appendKV(dst, "eventSource", o.svc.source)
	dst = appendKV(dst, "eventName", o.name)
	errCode := "null"
	if errRate {
		errCode = "AccessDenied"
		dst = append(dst, `"errorCode":"AccessDenied","insightType":"ApiErrorRateInsight",`...)
	} else {
		dst = append(dst, `"insightType":"ApiCallRateInsight",`...)
	}
	base := float64(1+r.intn(9999)) / 100000
	ins := float64(2+r.intn(60)) / 2
	dst = append(dst, `"insightContext":{"statistics":{"baseline":{"average":`...)
	dst = strconv.AppendFloat(dst, base, 'g', -1, 64)
	dst = append(dst, `},"insight":{"average":`...)
	dst = strconv.AppendFloat(dst, ins, 'g', -1, 64)
	dst = append(dst, `},`...)
	dst = appendKInt(dst, "insightDuration", in.dur)
	dst = appendKInt(dst, "baselineDuration", int64(5000+r.intn(6000)))
	dst = closeObj(dst)
	dst = append(dst, `,"attributions":[`...)
	p := a.prin[a.pw.pick(r)]
	ua := "AWS Internal"
	if p.ua >= 0 {
		ua = userAgents[p.ua]
	} else if p.svc != "" {
		ua = p.svc
	}
	arn := p.arn
	if arn == "" {
		arn = a.prin[0].arn
	}
	for i, attr := range [3][2]string{{"userIdentityArn", arn}, {"userAgent", ua}, {"errorCode", errCode}} {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"attribute":`...)
		dst = appendStr(dst, attr[0])
		dst = append(dst, `,"insight":[{"value":`...)
		dst = appendStr(dst, attr[1])
		dst = append(dst, `,"average":`...)
		dst = strconv.AppendFloat(dst, ins, 'g', -1, 64)
		dst = append(dst, `}],"baseline":[{"value":`...)
		dst = appendStr(dst, attr[1])
		dst = append(dst, `,"average":`...)
		dst = strconv.AppendFloat(dst, base, 'g', -1, 64)
		dst = append(dst, `}]}`...)
	}
	return append(dst, `]}},"eventCategory":"Insight"}`...)
}
