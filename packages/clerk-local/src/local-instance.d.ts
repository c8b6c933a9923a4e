export function localFrontendApi(port: number): string;
export function localPublishableKey(port: number): string;
