package main

import "context"

func drills(ctx context.Context, e *env, only map[string]bool) error { return nil }
