package handlers

// VerifyURLForTest exposes the verification URL of a serial, as printed in its QR code.
func (h *Handler) VerifyURLForTest(serial string) string { return h.verifyURL(serial) }
