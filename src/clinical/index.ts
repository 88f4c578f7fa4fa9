// Public surface of the clinical domain.
export {};
