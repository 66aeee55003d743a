// Package redistest starts real redis-server processes for tests; Redis is
// never mocked in this project.
//
// Start gives a test its own server, listening on a free loopback TCP port
// and on a unix socket in tb.TempDir(), with persistence off and its log in
// redis.log beside the socket. The server is killed when the test ends.
// Stop and Restart let a test take Redis away and bring it back:
//
//	srv := redistest.Start(t)
//	rdb := srv.Client(t)
//	srv.Stop()     // rdb now fails
//	srv.Restart(t) // same port and socket, empty
//
// StartCluster gives a test a Redis Cluster of masters only, created with
// redis-cli --cluster create and ready on every node when it returns. Its
// URL is "host:port,host:port,host:port".
//
// StartSentinel gives a test a Sentinel deployment: a primary, its replica
// and three sentinels, ready to fail over when it returns. Its URL is
// "redis-sentinel://host:port,host:port,host:port/tongbao"; KillPrimary
// kills the primary as a crash would and WaitFailover waits until the
// sentinels have promoted the replica.
//
// A package whose whole suite shares one server starts it from TestMain,
// where no testing.TB exists, with Main (or StartMain, for a TestMain that
// does more), and calls FlushAll between tests as needed:
//
//	var redisServer *redistest.Server
//
//	func TestMain(m *testing.M) { redistest.Main(m, &redisServer) }
//
// StartClusterMain does the same for a cluster.
//
// redis-server and redis-cli must be on PATH; ./scripts/test.sh installs them.
// Without them every start fails with a message saying so: tests never skip.
// Ports are chosen by binding port 0; when another process takes a port
// before redis-server binds it, the start is retried on new ports. On Linux
// the kernel kills the servers if the test binary dies before its cleanups.
package redistest
