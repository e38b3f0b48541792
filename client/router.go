package client

import "sort"

// router maps routing keys to segment writers exactly as the Java client's
// StreamSegments does: routes are kept sorted by the upper end of their key
// range and a key goes to the first route whose upper end is >= the key
// (NavigableMap.ceilingEntry). It is pure; the writer guards it.
type router struct {
	routes []route
}

type route struct {
	KeyRange
	sw *segmentWriter
}

func newRouter(routes []route) router {
	r := router{routes: routes}
	sort.Slice(r.routes, func(i, j int) bool { return r.routes[i].High < r.routes[j].High })
	return r
}

// pick returns the writer for key (in [0, 1)), nil if there is none (the
// stream is sealed).
func (r router) pick(key float64) *segmentWriter {
	i := sort.Search(len(r.routes), func(i int) bool { return r.routes[i].High >= key })
	if i == len(r.routes) {
		return nil
	}
	return r.routes[i].sw
}

// replace swaps the route of a sealed writer for its successors, each
// clipped to the sealed range (a successor of a merge covers more than the
// segment it replaces). With no successors the range disappears: the stream
// was sealed.
func (r router) replace(sealed *segmentWriter, successors []route) router {
	var out []route
	for _, rt := range r.routes {
		if rt.sw != sealed {
			out = append(out, rt)
			continue
		}
		for _, s := range successors {
			low, high := max(s.Low, rt.Low), min(s.High, rt.High)
			if low < high {
				out = append(out, route{KeyRange: KeyRange{Low: low, High: high}, sw: s.sw})
			}
		}
	}
	return newRouter(out)
}
