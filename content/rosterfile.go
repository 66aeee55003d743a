package content

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// MaxRosterFile bounds a roster file: 100,000 people fit in a few MB of
// CSV; anything far larger is not a roster.
const MaxRosterFile = 64 << 20

// xlsxMagic starts every XLSX file (a ZIP archive).
var xlsxMagic = []byte("PK\x03\x04")

// ReadRoster reads a roster file — CSV (UTF-8, with or without BOM, or
// GBK as Excel saves it in China, comma or tab separated) or XLSX (the
// first sheet) — and checks it as readRosterRecords does.
func ReadRoster(data []byte) ([]RosterRow, error) {
	if len(data) > MaxRosterFile {
		return nil, rosterError(0, RosterErrTooLarge, MaxRosterFile>>20)
	}
	var records [][]string
	var err error
	if bytes.HasPrefix(data, xlsxMagic) {
		records, err = readXLSX(data)
	} else {
		records, err = readCSV(data)
	}
	if err != nil {
		return nil, err
	}
	return readRosterRecords(records)
}

func readXLSX(data []byte) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, rosterError(0, RosterErrNotXLSX)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, rosterError(0, RosterErrNoSheet)
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil {
		return nil, rosterError(0, RosterErrSheet, sheets[0])
	}
	return rows, nil
}

func readCSV(data []byte) ([][]string, error) {
	text, err := Decode(data, "")
	if errors.Is(err, ErrEmpty) {
		return nil, nil
	}
	if err != nil {
		return nil, rosterError(0, RosterErrNotCSV)
	}
	text = strings.TrimPrefix(text, "\ufeff")
	r := csv.NewReader(strings.NewReader(text))
	first, _, _ := strings.Cut(text, "\n")
	if strings.Count(first, "\t") > strings.Count(first, ",") {
		r.Comma = '\t'
	}
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var records [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return records, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, rosterError(pe.Line, RosterErrCSV)
			}
			return nil, rosterError(0, RosterErrCSV)
		}
		records = append(records, rec)
	}
}

// WriteRosterCSV writes people as a roster CSV (UTF-8 with a BOM, so Excel
// opens it with the right characters), the form ReadRoster reads back.
func WriteRosterCSV(w io.Writer, people []Member) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.WriteAll(rosterRecords(people)); err != nil {
		return fmt.Errorf("write roster: %w", err)
	}
	return nil
}
