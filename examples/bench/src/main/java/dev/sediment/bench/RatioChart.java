package dev.sediment.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A horizontal bar chart of throughput ratios against RocksDB (log scale, 1× and 2× marked), one group of
 * bars per workload, drawn with java.awt (headless).
 */
final class RatioChart {
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c)};

    private RatioChart() {
    }

    static void write(Report report, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<StoreKind> stores = report.stores().stream().filter(s -> s != StoreKind.ROCKSDB).toList();
        List<String[]> labels = new ArrayList<>(); // part, workload
        report.workloads("store").forEach(w -> labels.add(new String[] {"store", w}));
        report.workloads("e2e").stream() // rates only: times and counts are lower-is-better
                .filter(w -> report.find("e2e", StoreKind.ROCKSDB, w).map(m -> m.unit().endsWith("/s")).orElse(false))
                .forEach(w -> labels.add(new String[] {"e2e", w}));
        int barHeight = 12;
        int groupHeight = barHeight * stores.size() + 10;
        int left = 230;
        int plotWidth = 640;
        int top = 50;
        int width = left + plotWidth + 30;
        int height = top + groupHeight * labels.size() + 60;
        double minLog = Math.log10(0.1);
        double maxLog = Math.log10(20);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString("Throughput ÷ RocksDB's (log scale; right of 1× is faster)", 10, 20);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (double tick : new double[] {0.1, 0.25, 0.5, 1, 2, 4, 10, 20}) {
            int x = left + (int) ((Math.log10(tick) - minLog) / (maxLog - minLog) * plotWidth);
            g.setColor(tick == 1 ? Color.BLACK : tick == 2 ? new Color(0x2ca02c) : new Color(0xdddddd));
            g.setStroke(new BasicStroke(tick == 1 || tick == 2 ? 1.5f : 1f));
            g.drawLine(x, top - 5, x, height - 45);
            g.setColor(Color.DARK_GRAY);
            g.drawString(tick < 1 ? String.valueOf(tick) + "×" : String.format(Locale.ROOT, "%.0f×", tick), x - 10, height - 30);
        }
        for (int i = 0; i < labels.size(); i++) {
            String part = labels.get(i)[0];
            String workload = labels.get(i)[1];
            int y = top + i * groupHeight;
            g.setColor(Color.BLACK);
            g.drawString((part.equals("e2e") ? "e2e " : "") + workload, 10, y + groupHeight / 2 + 2);
            for (int s = 0; s < stores.size(); s++) {
                double ratio = report.ratio(part, stores.get(s), workload);
                if (Double.isNaN(ratio) || ratio <= 0) {
                    continue;
                }
                double clamped = Math.max(0.1, Math.min(20, ratio));
                int x1 = left + (int) ((0 - minLog) / (maxLog - minLog) * plotWidth);
                int x2 = left + (int) ((Math.log10(clamped) - minLog) / (maxLog - minLog) * plotWidth);
                g.setColor(COLORS[s % COLORS.length]);
                g.fillRect(Math.min(x1, x2), y + s * barHeight, Math.max(1, Math.abs(x2 - x1)), barHeight - 2);
                g.setColor(Color.DARK_GRAY);
                String text = Report.ratio(ratio);
                g.drawString(text, Math.max(x1, x2) + 3, y + s * barHeight + barHeight - 3);
            }
        }
        for (int s = 0; s < stores.size(); s++) {
            g.setColor(COLORS[s % COLORS.length]);
            g.fillRect(10 + s * 150, height - 18, 12, 12);
            g.setColor(Color.BLACK);
            g.drawString(stores.get(s).label() + " ÷ rocksdb", 26 + s * 150, height - 8);
        }
        g.dispose();
        ImageIO.write(image, "png", png.toFile());
    }
}
