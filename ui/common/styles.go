package common

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// Styles is every style of the console, built once from the terminal's background. Colours are
// chosen to read on dark and light backgrounds; the renderer drops them under NO_COLOR, so nothing
// depends on colour alone (the cursor is reversed, errors carry a "!" mark).
type Styles struct {
	Title, TitleDim, Crumb, CrumbSep, Count        lipgloss.Style
	Header, Cell, Dim, Selected, Error, Write, Bar lipgloss.Style
	BarError, BarWarn, Axis                        lipgloss.Style
	FilterPrompt, FilterText, FilterBad, FilterMsg lipgloss.Style
	Completion, CompletionSel, CompletionHint      lipgloss.Style
	Status, StatusWarn, Key, KeyDesc               lipgloss.Style
	Label, Value, Link, Section, Summary           lipgloss.Style
	JSONKey, JSONString, JSONNumber, JSONLiteral   lipgloss.Style
	JSONPunct, Box, HelpTitle                      lipgloss.Style
}

// NewStyles returns the styles for a dark or a light background.
func NewStyles(dark bool) Styles {
	ld := lipgloss.LightDark(dark)
	c := func(light, darkc string) color.Color { return ld(lipgloss.Color(light), lipgloss.Color(darkc)) }
	accent := c("#5A3FC0", "#B9A4FF")
	dim := c("#6B6B6B", "#8A8A8A")
	red := c("#C0161A", "#FF6B6B")
	yellow := c("#8A5A00", "#F2C14E")
	green := c("#1F7A38", "#7BD88F")
	blue := c("#1F5FAF", "#7FB6FF")
	fg := c("#1A1A1A", "#E6E6E6")
	barBG := c("#E4E0F5", "#2A2540")
	s := Styles{}
	s.Title = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.TitleDim = lipgloss.NewStyle().Foreground(dim)
	s.Crumb = lipgloss.NewStyle().Foreground(fg).Bold(true)
	s.CrumbSep = lipgloss.NewStyle().Foreground(dim)
	s.Count = lipgloss.NewStyle().Foreground(accent)
	s.Header = lipgloss.NewStyle().Bold(true).Underline(true)
	s.Cell = lipgloss.NewStyle()
	s.Dim = lipgloss.NewStyle().Foreground(dim)
	s.Selected = lipgloss.NewStyle().Reverse(true)
	s.Error = lipgloss.NewStyle().Foreground(red).Bold(true)
	s.Write = lipgloss.NewStyle().Foreground(yellow)
	s.Bar = lipgloss.NewStyle().Foreground(accent)
	s.BarError = lipgloss.NewStyle().Foreground(red)
	s.BarWarn = lipgloss.NewStyle().Foreground(yellow)
	s.Axis = lipgloss.NewStyle().Foreground(dim)
	s.FilterPrompt = lipgloss.NewStyle().Foreground(accent).Bold(true)
	s.FilterText = lipgloss.NewStyle()
	s.FilterBad = lipgloss.NewStyle().Foreground(red).Underline(true)
	s.FilterMsg = lipgloss.NewStyle().Foreground(red)
	s.Completion = lipgloss.NewStyle().Background(barBG).Foreground(fg)
	s.CompletionSel = lipgloss.NewStyle().Reverse(true).Bold(true)
	s.CompletionHint = lipgloss.NewStyle().Background(barBG).Foreground(dim)
	s.Status = lipgloss.NewStyle().Foreground(dim)
	s.StatusWarn = lipgloss.NewStyle().Foreground(yellow)
	s.Key = lipgloss.NewStyle().Foreground(accent).Bold(true)
	s.KeyDesc = lipgloss.NewStyle().Foreground(dim)
	s.Label = lipgloss.NewStyle().Foreground(dim)
	s.Value = lipgloss.NewStyle().Foreground(fg)
	s.Link = lipgloss.NewStyle().Foreground(blue).Underline(true)
	s.Section = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.Summary = lipgloss.NewStyle().Italic(true)
	s.JSONKey = lipgloss.NewStyle().Foreground(blue)
	s.JSONString = lipgloss.NewStyle().Foreground(green)
	s.JSONNumber = lipgloss.NewStyle().Foreground(yellow)
	s.JSONLiteral = lipgloss.NewStyle().Foreground(accent)
	s.JSONPunct = lipgloss.NewStyle().Foreground(dim)
	s.Box = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(accent).Padding(0, 1)
	s.HelpTitle = lipgloss.NewStyle().Bold(true).Foreground(accent).Underline(true)
	return s
}
