// Package console is the terminal adapter: Render writes a reply as text
// for a terminal (with colors when it is one), buttons as the commands to
// type, and Sender delivers pushes to console subscribers by printing them.
// `tongbao ask`, `tongbao chat` and `tongbao demo` use it.
package console
