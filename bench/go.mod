module github.com/tako-go/tako/bench

go 1.26.0

require github.com/tako-go/tako v0.0.0

replace github.com/tako-go/tako => ../
