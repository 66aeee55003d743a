package console

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"tongbao/bot/chat"
)

// ANSI styles, used only when writing to a terminal.
const (
	bold  = "\033[1m"
	dim   = "\033[2m"
	under = "\033[4m"
	reset = "\033[0m"
)

// Render turns a reply into terminal text; color adds bold titles and
// dimmed notes. Buttons are shown as the commands that do the same.
func Render(r chat.Reply, color bool) string {
	style := func(s, code string) string {
		if !color {
			return s
		}
		return code + s + reset
	}
	var b strings.Builder
	for i, bl := range r.Blocks {
		if i > 0 {
			b.WriteByte('\n')
		}
		switch bl.Kind {
		case chat.BlockTitle:
			b.WriteString(style(bl.Text, bold))
		case chat.BlockField:
			b.WriteString(style(bl.Label+chat.LabelSep(bl.Label), bold) + bl.Text)
		case chat.BlockList:
			for j, it := range bl.Items {
				if j > 0 {
					b.WriteByte('\n')
				}
				b.WriteString("  " + chat.ItemNumber(j) + it)
			}
		case chat.BlockLink:
			b.WriteString(bl.Text + chat.LabelSep(bl.Text) + style(bl.URL, under))
		case chat.BlockNote:
			b.WriteString(style("  "+bl.Text, dim))
		default:
			b.WriteString(bl.Text)
		}
	}
	if buttons := buttonHints(r.Buttons); buttons != "" {
		b.WriteString("\n" + style(buttons, dim))
	}
	return b.String()
}

// buttonHints lists what the buttons do as text to type, since a terminal
// has no buttons: [全文: 全文 20220608-…].
func buttonHints(rows [][]chat.Button) string {
	var hints []string
	for _, row := range rows {
		for _, btn := range row {
			if cmd := typedCommand(btn.Data); cmd != "" {
				hints = append(hints, fmt.Sprintf("[%s → %s]", btn.Text, cmd))
			}
		}
	}
	return strings.Join(hints, " ")
}

// typedCommand is the text command equivalent to a button, or "".
func typedCommand(data string) string {
	switch {
	case strings.HasPrefix(data, "full:"):
		return "全文 " + strings.TrimPrefix(data, "full:")
	case strings.HasPrefix(data, "sub:"):
		return "订阅 " + strings.TrimPrefix(data, "sub:")
	case data == "more":
		return "下一页"
	}
	return ""
}

// Sender prints pushes to console subscribers on a writer (the demo's
// terminal). It satisfies chat.Sender.
type Sender struct {
	mu    sync.Mutex
	w     io.Writer
	color bool
	n     int
}

// NewSender returns a sender that prints to w.
func NewSender(w io.Writer, color bool) *Sender { return &Sender{w: w, color: color} }

// Platform is chat.Console.
func (s *Sender) Platform() chat.Platform { return chat.Console }

// Send prints a pushed reply.
func (s *Sender) Send(_ context.Context, chatID string, r chat.Reply) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	_, err := fmt.Fprintf(s.w, "\n📨 %s\n%s\n", chatID, Render(r, s.color))
	return fmt.Sprint(s.n), err
}
