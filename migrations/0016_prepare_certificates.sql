-- Certificates in practice: the centre as the default issuer, a deferrable link from a superseded
-- certificate to its correction (both rows are written in one transaction), and the index the
-- verification page looks tokens up by (token_hash is already unique).

INSERT INTO issuers (code, name, parent_name, place_name, serial_format, register_format, signer_name, signer_title)
VALUES ('KC', 'TRUNG TÂM KHUYẾN CÔNG VÀ XÚC TIẾN THƯƠNG MẠI', 'SỞ CÔNG THƯƠNG TỈNH BẮC GIANG', 'Bắc Giang',
        '{code}-{year}-{n:06}', '{n:04}/{year}', 'Nguyễn Văn Giám', 'Giám đốc')
ON CONFLICT (code) DO NOTHING;

ALTER TABLE certificates DROP CONSTRAINT certificates_superseded_by_fkey;
ALTER TABLE certificates ADD CONSTRAINT certificates_superseded_by_fkey
    FOREIGN KEY (superseded_by) REFERENCES certificates (id) DEFERRABLE INITIALLY DEFERRED;

CREATE INDEX certificates_enrolment_idx ON certificates (enrolment_id);
CREATE INDEX certificates_register_idx ON certificates (issuer_id, register_year, register_no);

-- Where batch-printing jobs write their files; a job resumes after a crash without issuing anything.
ALTER TABLE jobs ADD COLUMN course_id bigint REFERENCES courses (id);
