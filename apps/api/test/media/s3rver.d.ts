/** The part of s3rver's API the S3 storage test uses (the package ships no types). */
declare module 's3rver' {
  type Options = {
    port?: number;
    address?: string;
    silent?: boolean;
    directory: string;
    configureBuckets?: { name: string; configs: string[] }[];
  };
  export default class S3rver {
    constructor(options: Options);
    run(): Promise<{ address: string; family: string; port: number }>;
    close(): Promise<void>;
  }
}
