// Command tongbao is Tongbao's one binary: it parses and ingests bulletins,
// runs the service (serve), the local demo and chat, and the operator
// commands. Run `tongbao help` for the list.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := NewApp(os.Stdin, os.Stdout, os.Stderr, os.Getenv).Run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}
