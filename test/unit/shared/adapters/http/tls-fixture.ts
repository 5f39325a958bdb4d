/**
 * Self-signed certificate and key for `secure.test` (valid until 2126), made for these tests with
 * `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500
 *  -subj /CN=secure.test -addext subjectAltName=DNS:secure.test -addext basicConstraints=critical,CA:TRUE`.
 * Test-only: the key is public by design.
 */
export const TEST_CERT = `-----BEGIN CERTIFICATE-----
MIIBmzCCAUGgAwIBAgIUG01aBhPcszqUcE7Xsue4d4ynnKEwCgYIKoZIzj0EAwIw
FjEUMBIGA1UEAwwLc2VjdXJlLnRlc3QwIBcNMjYxMTI5MDkxOTIyWhgPMjEyNjEx
MDUwOTE5MjJaMBYxFDASBgNVBAMMC3NlY3VyZS50ZXN0MFkwEwYHKoZIzj0CAQYI
KoZIzj0DAQcDQgAE+gQeWEp9xykwSh6x/tZHbFGo8w4cy166fXWbcNgvPyRb6Y03
iwB5wvZlMOH2ND3zSdinXxMmoeggryTVgmY726NrMGkwHQYDVR0OBBYEFOrA5VEl
2WhSk58rfRa3PKkPlb4dMB8GA1UdIwQYMBaAFOrA5VEl2WhSk58rfRa3PKkPlb4d
MBYGA1UdEQQPMA2CC3NlY3VyZS50ZXN0MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZI
zj0EAwIDSAAwRQIhAMspChy9ON85Qdz0yWhJoG84ydeKq9kzOuQon32nNmndAiB+
kIcSD/gyHio6hhTUcvVpJik+zMargp7B4xCnanKPhQ==
-----END CERTIFICATE-----
`;

export const TEST_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg1+Jt45jQV63WX2OJ
MKoj+S75RY0MyVwFCofdnmug8RChRANCAAT6BB5YSn3HKTBKHrH+1kdsUajzDhzL
Xrp9dZtw2C8/JFvpjTeLAHnC9mUw4fY0PfNJ2KdfEyah6CCvJNWCZjvb
-----END PRIVATE KEY-----
`;
