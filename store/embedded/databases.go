package embedded

import (
	"strconv"
	"strings"

	"github.com/alicebob/miniredis/v2/server"
)

// databases is the number of logical databases the embedded server offers,
// as many as a default redis-server. miniredis accepts any index; limiting
// them lets a snapshot walk every database there is.
const databases = 16

// limitDatabases is a miniredis pre-command hook that refuses, like Redis,
// the commands that name a database index out of [0, databases).
func limitDatabases(c *server.Peer, cmd string, args ...string) bool {
	for _, a := range databaseArgs(cmd, args) {
		if n, err := strconv.Atoi(a); err == nil && (n < 0 || n >= databases) {
			c.WriteError("ERR DB index is out of range")
			return true
		}
	}
	return false
}

// databaseArgs returns the arguments of cmd that are database indexes.
func databaseArgs(cmd string, args []string) []string {
	switch cmd {
	case "SELECT":
		return args[:min(1, len(args))]
	case "MOVE":
		if len(args) >= 2 {
			return args[1:2]
		}
	case "SWAPDB":
		return args
	case "COPY": // COPY source destination [DB index] [REPLACE]
		for i := 2; i+1 < len(args); i++ {
			if strings.EqualFold(args[i], "DB") {
				return args[i+1 : i+2]
			}
		}
	}
	return nil
}
