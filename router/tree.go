package router

import "sort"

// The tree.
//
// Each method has its own radix tree over the raw path. A node matches a run
// of static bytes (its prefix) and then branches three ways, tried in this
// order: a static child chosen by the next byte, a parameter child that takes
// the rest of the segment (up to the next '/', at least one byte), and a
// catch-all child that takes the rest of the path. Parameters are whole
// segments, so parameter and catch-all children only hang off nodes whose
// prefix ends in '/'.
//
// Trying static, then parameter, then catch-all, and backing up when a branch
// fails deeper down, finds the most specific route: the one whose first
// segment that differs from another match is static rather than a parameter,
// or a parameter rather than a catch-all. router_fuzz_test.go checks this
// against a linear scan that applies that rule literally.
//
// Routes are inserted into a pointer tree (bnode). Before the first lookup
// after a change the tree is compiled into a flat slice (cnode) where the
// static children of a node are contiguous and found through a string of
// their first bytes, so the hot loop indexes one slice and chases no
// pointers. Backing up costs nothing when it is not needed: the loop only
// recurses at a node that has both a matching static child and a wildcard
// child; everywhere else it iterates.

// bnode is a node of the tree under construction.
type bnode struct {
	prefix string
	static []*bnode // first bytes are distinct
	param  *bnode
	catch  *bnode
	route  int32 // route index + 1; 0 when no route ends here
	weight int   // routes in this subtree, to order children
}

// insert adds a route ending in the given tokens and returns the node where
// it ends. It never fails: conflicts are found from the pattern shapes before
// insertion.
func (n *bnode) insert(tokens []token) *bnode {
	n.weight++
	for _, t := range tokens {
		switch t.kind {
		case kindParam:
			if n.param == nil {
				n.param = &bnode{}
			}
			n = n.param
			n.weight++
		case kindCatch:
			if n.catch == nil {
				n.catch = &bnode{}
			}
			n = n.catch
			n.weight++
		default:
			n = n.insertStatic(t.text)
		}
	}
	return n
}

func (n *bnode) insertStatic(s string) *bnode {
	for s != "" {
		var c *bnode
		ci := -1
		for i, x := range n.static {
			if x.prefix[0] == s[0] {
				c, ci = x, i
				break
			}
		}
		if c == nil {
			c = &bnode{prefix: s, weight: 1}
			n.static = append(n.static, c)
			return c
		}
		l := 0
		for l < len(s) && l < len(c.prefix) && s[l] == c.prefix[l] {
			l++
		}
		if l < len(c.prefix) {
			// Split c: a new node for the common part, c keeps the rest.
			split := &bnode{prefix: c.prefix[:l], static: []*bnode{c}, weight: c.weight}
			c.prefix = c.prefix[l:]
			n.static[ci] = split
			c = split
		}
		c.weight++
		n, s = c, s[l:]
	}
	return n
}

// cnode is a node of the compiled tree. Index 0 is the root, which is never
// anyone's child, so 0 also means "none" in child and param.
//
// Parameter and catch-all nodes are folded into their parent: a catch-all
// only ever ends a route, and a parameter is followed either by the end of
// the path or by a '/', so it has at most one child, a static node whose
// prefix begins with '/'. The parent keeps the routes ending there and the
// index of that child, which saves a loop turn per parameter.
type cnode struct {
	prefix   string // static bytes to match on entering the node
	indices  string // first byte of each static child
	child    int32  // index of the first static child; the others follow
	param    int32  // index of the node after a parameter's '/', or 0
	paramEnd int32  // route index + 1 of a route ending in a parameter here, or 0
	catch    int32  // route index + 1 of a catch-all here, or 0
	route    int32  // route index + 1 of a route ending here, or 0
	wild     bool   // a parameter or catch-all may follow
}

// ctree is the compiled tree of one method.
type ctree struct {
	nodes []cnode
}

// compile flattens the tree rooted at root, breadth first, so that the static
// children of each node are contiguous. Static children are ordered by
// weight, the heaviest first, so the linear scan of indices meets the most
// likely byte first.
func compile(root *bnode) ctree {
	if root == nil {
		return ctree{}
	}
	// The root has no prefix; when all it holds is one static child (as
	// when every pattern begins with '/'), start at that child.
	if len(root.static) == 1 && root.param == nil && root.catch == nil && root.route == 0 && root.prefix == "" {
		root = root.static[0]
	}
	queue := []*bnode{root}
	nodes := []cnode{{prefix: root.prefix, route: root.route}}
	for qi := 0; qi < len(queue); qi++ {
		b := queue[qi]
		kids := append([]*bnode(nil), b.static...)
		sort.SliceStable(kids, func(i, j int) bool { return kids[i].weight > kids[j].weight })
		idx := make([]byte, 0, len(kids))
		if len(kids) > 0 {
			nodes[qi].child = int32(len(nodes))
		}
		for _, k := range kids {
			idx = append(idx, k.prefix[0])
			nodes = append(nodes, cnode{prefix: k.prefix, route: k.route})
			queue = append(queue, k)
		}
		nodes[qi].indices = string(idx)
		if p := b.param; p != nil {
			// p.static has one node at most (its first byte is '/'), and
			// p has no wildcard children: a segment follows a parameter.
			nodes[qi].paramEnd = p.route
			if len(p.static) > 0 {
				s := p.static[0]
				nodes[qi].param = int32(len(nodes))
				nodes = append(nodes, cnode{prefix: s.prefix, route: s.route})
				queue = append(queue, s)
			}
		}
		if b.catch != nil {
			nodes[qi].catch = b.catch.route
		}
		nodes[qi].wild = b.param != nil || b.catch != nil
	}
	return ctree{nodes: nodes}
}

// find is the hot path: it walks the tree from node ni at path[pos:] and
// returns the route (index + 1, 0 when nothing matches) and the number of
// parameter values now in vals. The first byte of node ni's prefix is known
// to equal path[pos] (the caller chose the node by it), so only the rest is
// compared; a one-byte prefix costs no comparison at all.
func (t *ctree) find(ni int32, path string, pos int, vals *[MaxParams]span, np int) (int32, int) {
	nodes := t.nodes
walk:
	for {
		n := &nodes[ni]
		if p := n.prefix; len(p) > 1 {
			end := pos + len(p)
			if end > len(path) {
				return 0, 0
			}
			// Short prefixes compare faster in line than through memequal.
			if len(p) <= 8 {
				for i := 1; i < len(p); i++ {
					if path[pos+i] != p[i] {
						return 0, 0
					}
				}
			} else if path[pos+1:end] != p[1:] {
				return 0, 0
			}
			pos = end
		} else {
			pos += len(p)
		}
		if pos == len(path) {
			if n.route != 0 {
				return n.route, np
			}
			if n.catch != 0 && np < MaxParams {
				vals[np] = span{uint32(pos), uint32(pos)}
				return n.catch, np + 1
			}
			return 0, 0
		}
		c := path[pos]
		idx := n.indices
		for i := 0; i < len(idx); i++ {
			if idx[i] == c {
				child := n.child + int32(i)
				if !n.wild {
					ni = child
					continue walk
				}
				// A wildcard sibling exists: try the static branch on
				// its own, and fall back below if it fails.
				if r, k := t.find(child, path, pos, vals, np); r != 0 {
					return r, k
				}
				break
			}
		}
		if !n.wild || np >= MaxParams {
			return 0, 0
		}
		if n.param|n.paramEnd != 0 {
			end := pos
			for end < len(path) && path[end] != '/' {
				end++
			}
			if end > pos {
				vals[np] = span{uint32(pos), uint32(end)}
				if end == len(path) {
					if n.paramEnd != 0 {
						return n.paramEnd, np + 1
					}
				} else if n.param != 0 {
					if n.catch == 0 {
						ni, pos, np = n.param, end, np+1
						continue
					}
					if r, k := t.find(n.param, path, end, vals, np+1); r != 0 {
						return r, k
					}
				}
			}
		}
		if n.catch != 0 {
			vals[np] = span{uint32(pos), uint32(len(path))}
			return n.catch, np + 1
		}
		return 0, 0
	}
}

// lookup runs find from the root, which, unlike every other node, was not
// chosen by its first byte.
func (t *ctree) lookup(path string, vals *[MaxParams]span) (int32, int) {
	if len(t.nodes) == 0 {
		return 0, 0
	}
	if p := t.nodes[0].prefix; p != "" && (path == "" || path[0] != p[0]) {
		return 0, 0
	}
	return t.find(0, path, 0, vals, 0)
}

// match reports whether some route matches path, or path+"/" when slash is
// set. It is the slow path (405 and trailing-slash answers): recursive and
// simple, with no parameter bookkeeping.
func (t *ctree) match(ni int32, path string, pos int, slash bool) bool {
	if len(t.nodes) == 0 {
		return false
	}
	size := len(path)
	if slash {
		size++
	}
	at := func(i int) byte {
		if i < len(path) {
			return path[i]
		}
		return '/'
	}
	for {
		n := &t.nodes[ni]
		p := n.prefix
		if size-pos < len(p) {
			return false
		}
		for i := 0; i < len(p); i++ {
			if at(pos+i) != p[i] {
				return false
			}
		}
		pos += len(p)
		if pos == size {
			return n.route != 0 || n.catch != 0
		}
		c := at(pos)
		for i := 0; i < len(n.indices); i++ {
			if n.indices[i] == c {
				if t.match(n.child+int32(i), path, pos, slash) {
					return true
				}
				break
			}
		}
		if n.param|n.paramEnd != 0 {
			end := pos
			for end < size && at(end) != '/' {
				end++
			}
			if end > pos {
				if end == size {
					if n.paramEnd != 0 {
						return true
					}
				} else if n.param != 0 && t.match(n.param, path, end, slash) {
					return true
				}
			}
		}
		return n.catch != 0
	}
}

// findFold is match with ASCII case folding on static text. It appends the
// path as the matched routes spell it to buf and reports success.
func (t *ctree) findFold(ni int32, path string, pos int, buf []byte) ([]byte, bool) {
	if len(t.nodes) == 0 {
		return buf, false
	}
	n := &t.nodes[ni]
	p := n.prefix
	if len(path)-pos < len(p) {
		return buf, false
	}
	for i := 0; i < len(p); i++ {
		if lower(path[pos+i]) != lower(p[i]) {
			return buf, false
		}
	}
	buf = append(buf, p...)
	pos += len(p)
	if pos == len(path) {
		return buf, n.route != 0 || n.catch != 0
	}
	c := lower(path[pos])
	for i := 0; i < len(n.indices); i++ {
		if lower(n.indices[i]) == c {
			if b, ok := t.findFold(n.child+int32(i), path, pos, buf); ok {
				return b, true
			}
		}
	}
	if n.param|n.paramEnd != 0 {
		end := pos
		for end < len(path) && path[end] != '/' {
			end++
		}
		if end > pos {
			b := append(buf, path[pos:end]...)
			if end == len(path) {
				if n.paramEnd != 0 {
					return b, true
				}
			} else if n.param != 0 {
				if b, ok := t.findFold(n.param, path, end, b); ok {
					return b, true
				}
			}
		}
	}
	if n.catch != 0 {
		return append(buf, path[pos:]...), true
	}
	return buf, false
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}
