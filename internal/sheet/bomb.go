package sheet

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
)

// ZipBomb builds an .xlsx-looking zip whose sheet inflates to n bytes of zeros (n a multiple of
// 1 MB) without compressing them: one megabyte of zeros deflated and sync-flushed (its blocks end on
// a byte and refer back only to zeros) is repeated, then closed by a final empty block. The reader
// must refuse it before unpacking (CodeUnzippedBig or CodeZipBomb); for the tests and the fault drills.
func ZipBomb(n int) ([]byte, error) {
	var block bytes.Buffer
	fw, err := flate.NewWriter(&block, flate.BestCompression)
	if err != nil {
		return nil, err
	}
	zeros := make([]byte, 1<<20)
	_, _ = fw.Write(zeros)
	_ = fw.Flush()
	mb := append([]byte(nil), block.Bytes()...)
	_ = fw.Close()
	final := block.Bytes()[len(mb):]
	reps := n >> 20
	crc := uint32(0)
	for range reps {
		crc = crc32.Update(crc, crc32.IEEETable, zeros)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	ct, err := zw.Create("[Content_Types].xml")
	if err != nil {
		return nil, err
	}
	_, _ = ct.Write([]byte(`<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>`))
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate, CRC32: crc,
		CompressedSize64: uint64(reps*len(mb) + len(final)), UncompressedSize64: uint64(reps) << 20})
	if err != nil {
		return nil, err
	}
	for range reps {
		_, _ = w.Write(mb)
	}
	_, _ = w.Write(final)
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
