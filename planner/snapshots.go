package planner

// ReleaseSnapshots ends the reader leases of the store snapshots a plan
// holds (orcstore.Manifest.Release), so that compaction and retention may
// delete the files they replaced. Call it when the query has finished
// reading; it is safe to call more than once. A plan dropped without it
// releases them when garbage collected.
func (p *Plan) ReleaseSnapshots() {
	if p == nil {
		return
	}
	for _, s := range p.Snapshots {
		s.Release()
	}
}
