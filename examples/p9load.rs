//! A small 9P2000.L load generator using mountlab's own client over TCP, to
//! compare `mountlab serve-9p` with other servers (Debian's diod) on
//! loopback. Three workloads, each run for several rounds; prints the
//! median round:
//!
//! * `walk`:   Twalk(1 name) + Tgetattr + Tclunk on an existing file
//! * `create`: Twalk(clone dir) + Tlcreate + Twrite 4 KiB + Tclunk
//! * `bulk`:   write a 64 MiB file in msize chunks, then read it back
//!
//! usage: cargo run --release --example p9load -- --addr 127.0.0.1:5640
//!        [--aname /] [--msize 1048576] [--version 0] [--n 2000]
//!        [--rounds 5] [--bulk-mib 64]

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    if let Err(e) = native::run() {
        eprintln!("p9load: {e}");
        std::process::exit(1);
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use mountlab::errno::Errno;
    use mountlab::p9::client::Client;
    use mountlab::p9::consts::{O_RDONLY, O_RDWR};
    use mountlab::p9::net::NetClient;
    use std::time::Instant;

    struct Opts {
        addr: String,
        aname: String,
        msize: u32,
        version: u32,
        n: usize,
        rounds: usize,
        bulk_mib: usize,
    }

    fn opts() -> Result<Opts, String> {
        let mut o = Opts {
            addr: String::new(),
            aname: "/".into(),
            msize: 1 << 20,
            version: 0,
            n: 2000,
            rounds: 5,
            bulk_mib: 64,
        };
        let args: Vec<String> = std::env::args().skip(1).collect();
        let mut it = args.iter();
        while let Some(a) = it.next() {
            let v = it.next().ok_or(format!("{a} needs a value"))?;
            let num = || v.parse::<usize>().map_err(|e| format!("{a}: {e}"));
            match a.as_str() {
                "--addr" => o.addr = v.clone(),
                "--aname" => o.aname = v.clone(),
                "--msize" => o.msize = num()? as u32,
                "--version" => o.version = num()? as u32,
                "--n" => o.n = num()?,
                "--rounds" => o.rounds = num()?,
                "--bulk-mib" => o.bulk_mib = num()?,
                _ => return Err(format!("unknown argument {a}")),
            }
        }
        if o.addr.is_empty() {
            return Err("--addr is required".into());
        }
        Ok(o)
    }

    fn e(err: Errno) -> String {
        format!("{err:?} ({err})")
    }

    fn median(mut v: Vec<f64>) -> f64 {
        v.sort_by(|a, b| a.total_cmp(b));
        v.get(v.len() / 2).copied().unwrap_or(0.0)
    }

    pub fn run() -> Result<(), String> {
        let o = opts()?;
        let mut c = NetClient::connect(&o.addr).map_err(|x| x.to_string())?;
        let (msize, version) = c.version(o.msize, o.version).map_err(|x| x.to_string())?;
        let (root, _) = c.attach(&o.aname, 0).map_err(e)?;
        println!("server {} msize {msize} version {version}", o.addr);

        // Fixture: a directory for this run with one file to walk to.
        let tag = format!("p9load-{}", std::process::id());
        c.mkdir(root, &tag, 0o755, 0).map_err(e)?;
        let (dir, _) = c.walk(root, &[&tag]).map_err(e)?;
        let (f, _) = c.walk(dir, &[]).map_err(e)?;
        c.lcreate(f, "target", O_RDWR | 0o100, 0o644, 0)
            .map_err(e)?;
        c.clunk(f).map_err(e)?;

        // (a) walk + getattr + clunk
        let mut rates = Vec::new();
        for _ in 0..o.rounds {
            let t = Instant::now();
            for _ in 0..o.n {
                let (f, _) = c.walk(dir, &["target"]).map_err(e)?;
                c.getattr(f, 0x7ff).map_err(e)?;
                c.clunk(f).map_err(e)?;
            }
            rates.push(o.n as f64 / t.elapsed().as_secs_f64());
        }
        println!(
            "walk+getattr+clunk: median {:.0} ops/s over {} rounds of {}",
            median(rates),
            o.rounds,
            o.n
        );

        // (b) create + write 4 KiB + clunk
        let block = vec![0xa5u8; 4096];
        let mut rates = Vec::new();
        for r in 0..o.rounds {
            let t = Instant::now();
            for i in 0..o.n {
                let (f, _) = c.walk(dir, &[]).map_err(e)?;
                c.lcreate(f, &format!("f{r}-{i}"), O_RDWR | 0o100, 0o644, 0)
                    .map_err(e)?;
                c.write(f, 0, &block).map_err(e)?;
                c.clunk(f).map_err(e)?;
            }
            rates.push(o.n as f64 / t.elapsed().as_secs_f64());
        }
        println!(
            "create+write4k+clunk: median {:.0} ops/s over {} rounds of {}",
            median(rates),
            o.rounds,
            o.n
        );

        // (c) 64 MiB write, then read back.
        let total = o.bulk_mib << 20;
        let chunk = (msize as usize - 24).min(1 << 20);
        let data: Vec<u8> = (0..chunk).map(|i| (i % 253) as u8).collect();
        let (mut wr, mut rd) = (Vec::new(), Vec::new());
        for r in 0..o.rounds.min(3) {
            let (f, _) = c.walk(dir, &[]).map_err(e)?;
            let name = format!("bulk{r}");
            c.lcreate(f, &name, O_RDWR | 0o100, 0o644, 0).map_err(e)?;
            let t = Instant::now();
            let mut off = 0usize;
            while off < total {
                let n = chunk.min(total - off);
                let w = c.write(f, off as u64, &data[..n]).map_err(e)? as usize;
                off += w;
            }
            wr.push(total as f64 / (1 << 20) as f64 / t.elapsed().as_secs_f64());
            c.clunk(f).map_err(e)?;
            let (f, _) = c.walk(dir, &[&name]).map_err(e)?;
            c.lopen(f, O_RDONLY).map_err(e)?;
            let t = Instant::now();
            let mut got = 0usize;
            loop {
                let d = c.read(f, got as u64, chunk as u32).map_err(e)?;
                if d.is_empty() {
                    break;
                }
                got += d.len();
            }
            rd.push(total as f64 / (1 << 20) as f64 / t.elapsed().as_secs_f64());
            if got != total {
                return Err(format!("read back {got} bytes, wrote {total}"));
            }
            c.clunk(f).map_err(e)?;
            remove(&mut c, dir, &name)?;
        }
        println!(
            "{} MiB write: median {:.0} MiB/s; read: median {:.0} MiB/s",
            o.bulk_mib,
            median(wr),
            median(rd)
        );

        // Clean up the fixture.
        for r in 0..o.rounds {
            for i in 0..o.n {
                let _ = remove(&mut c, dir, &format!("f{r}-{i}"));
            }
        }
        let _ = remove(&mut c, dir, "target");
        let _ = c.remove(dir);
        Ok(())
    }

    /// Walk + Tremove: diod answers Tunlinkat with EOPNOTSUPP.
    fn remove(c: &mut NetClient, dir: u32, name: &str) -> Result<(), String> {
        let (f, _) = c.walk(dir, &[name]).map_err(e)?;
        c.remove(f).map_err(e)
    }
}
